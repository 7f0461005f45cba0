namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Every behaviour of the test plugin, by the name specs use for it.</summary>
internal static class BehaviourTable
{
    /// <summary>The behaviour of a step that names none.</summary>
    public const string DefaultName = "ok";

    private static readonly Dictionary<string, Behaviour> ByName = new Behaviour[]
    {
        // Steps that go well, or fail the way the protocol allows.
        new OkBehaviour(),
        new SleepBehaviour(),
        new ProgressBehaviour(),
        new SetVarBehaviour(),
        new FailBehaviour(),
        new FailUntilBehaviour(),

        // Steps that misbehave.
        new CrashAfterLoggingBehaviour(),
        new KillSelfBehaviour(),
        new ExitWithoutAnswerBehaviour(),
        new GarbageStdoutBehaviour(),
        new StderrFloodBehaviour(),
        new SpawnChildBehaviour(),
        new HangBehaviour(),
        new IgnoreSigtermBehaviour(),
        new EscapeGroupBehaviour(),
        new LongStderrLineBehaviour(),
        new InvalidUtf8LogBehaviour(),
        new BigOutputBehaviour(),

        // Handshakes and shutdowns that go wrong (for the whole process only).
        new BadHandshakeBehaviour(),
        new VersionMismatchBehaviour(),
        new SilentHandshakeBehaviour(),
        new ExitInHandshakeBehaviour(),
        new IgnoreShutdownBehaviour(),
        new DeafBehaviour(),
    }.ToDictionary(behaviour => behaviour.Name, StringComparer.Ordinal);

    /// <summary>The behaviour called <paramref name="name"/>; for a name not in the table, one whose steps exit 64.</summary>
    public static Behaviour Find(string name) => ByName.TryGetValue(name, out var behaviour) ? behaviour : new UnknownBehaviour(name);
}
