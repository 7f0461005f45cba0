namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Ignores <c>shutdown</c> and keeps reading stdin: it exits when stdin ends.</summary>
internal sealed class IgnoreShutdownBehaviour : Behaviour
{
    public override string Name => "ignore-shutdown";

    public override Next Shutdown() => Next.KeepServing;
}
