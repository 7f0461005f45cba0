using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Takes config <c>ms</c> in config <c>lines</c> equal parts, after each a log line and progress with the fraction done.</summary>
internal sealed class ProgressBehaviour : Behaviour
{
    public override string Name => "progress";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        var parts = Math.Max(1, step.Lines);
        for (var part = 1; part <= parts; part++)
        {
            Thread.Sleep(step.Milliseconds / parts);
            wire.WriteStderrLine($"part {part} of {parts} done");
            wire.Progress(step, $"part {part} of {parts}", (double)part / parts);
        }

        wire.Succeed(step, new PidAndConfigOutputs(Environment.ProcessId, step.Config), TestPluginJson.Default.PidAndConfigOutputs);
        return Next.KeepServing;
    }
}
