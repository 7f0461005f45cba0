using System.Text.Json;
using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Sleeps config <c>ms</c>, then answers with where it ran; config <c>fail: true</c> fails it after the sleep.</summary>
internal sealed class SleepBehaviour : Behaviour
{
    public override string Name => "sleep";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        var pid = Environment.ProcessId;
        wire.WriteStderrLine($"sleeping {step.Milliseconds} ms (pid {pid})");
        Thread.Sleep(step.Milliseconds);
        if (step.IsSet("fail"))
        {
            wire.Fail(step, new StepError("failed after sleeping"));
            return Next.KeepServing;
        }

        JsonElement? parallel = step.Parameters.TryGetProperty("parallel", out var given) ? given : null;
        wire.Succeed(step, new PidAndParallelOutputs(pid, parallel), TestPluginJson.Default.PidAndParallelOutputs);
        return Next.KeepServing;
    }
}
