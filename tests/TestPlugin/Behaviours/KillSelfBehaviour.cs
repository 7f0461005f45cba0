using System.Diagnostics;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Kills itself with SIGKILL in the middle of a step.</summary>
internal sealed class KillSelfBehaviour : Behaviour
{
    public override string Name => "kill-self";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        wire.WriteStderrLine("about to be killed by SIGKILL");
        Process.GetCurrentProcess().Kill();
        return Next.KeepServing;
    }
}
