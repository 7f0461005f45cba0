namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Writes config <c>lines</c> lines to stderr and a log line, then exits 3 without answering.</summary>
internal sealed class CrashAfterLoggingBehaviour : Behaviour
{
    public override string Name => "crash-after-logging";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        for (var line = 1; line <= step.Lines; line++)
        {
            wire.WriteStderrLine($"line {line} of {step.Lines} before the crash");
        }

        wire.Log(step, "error", "crashing now");
        return Next.Exit(3);
    }
}
