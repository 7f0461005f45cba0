using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>A line on stderr, a log line, progress, then success with the process's pid and the step's config.</summary>
internal sealed class OkBehaviour : Behaviour
{
    public override string Name => BehaviourTable.DefaultName;

    public override Next RunStep(Wire wire, StepRequest step)
    {
        var pid = Environment.ProcessId;
        wire.WriteStderrLine($"stderr line from pid {pid}");
        wire.Log(step, "info", "log line from the protocol");
        wire.Progress(step, "half way", 0.5);
        wire.Succeed(step, new PidAndConfigOutputs(pid, step.Config), TestPluginJson.Default.PidAndConfigOutputs);
        return Next.KeepServing;
    }
}
