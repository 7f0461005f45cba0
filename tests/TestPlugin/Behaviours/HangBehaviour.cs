using System.Diagnostics;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Starts a child that sleeps 300 s, says so, then hangs: it ignores <c>step/cancel</c> and the end of stdin.</summary>
internal class HangBehaviour : Behaviour
{
    public override string Name => "hang";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        using var sleeper = Process.Start(new ProcessStartInfo("/bin/sleep", "300") { UseShellExecute = false })!;
        wire.WriteStderrLine($"child pid {sleeper.Id}");
        wire.WriteStderrLine($"hanging (pid {Environment.ProcessId})");
        wire.Log(step, "info", "hanging");

        // Nothing is read from here on: only a signal ends this.
        Thread.Sleep(Timeout.Infinite);
        return Next.KeepServing;
    }
}
