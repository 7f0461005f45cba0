using System.Globalization;
using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>
/// Counts its attempts in config <c>file</c> and fails until the count reaches config <c>succeed-on</c> (never when
/// absent): by answering with an error, or with config <c>exit</c> by exiting with that code; then succeeds with the count.
/// </summary>
internal sealed class FailUntilBehaviour : Behaviour
{
    public override string Name => "fail-until";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        var file = step.Config.GetProperty("file").GetString()!;
        var attempt = (File.Exists(file) ? int.Parse(File.ReadAllText(file), CultureInfo.InvariantCulture) : 0) + 1;
        File.WriteAllText(file, attempt.ToString(CultureInfo.InvariantCulture));
        var succeedOn = step.Config.TryGetProperty("succeed-on", out var given) ? given.GetInt32() : int.MaxValue;
        wire.WriteStderrLine($"attempt {attempt} (pid {Environment.ProcessId})");
        if (attempt >= succeedOn)
        {
            wire.Succeed(step, new AttemptOutputs(attempt), TestPluginJson.Default.AttemptOutputs);
            return Next.KeepServing;
        }

        if (step.Config.TryGetProperty("exit", out var exit))
        {
            return Next.Exit(exit.GetInt32());
        }

        wire.Fail(step, new StepError($"attempt {attempt} failed", "not_yet"));
        return Next.KeepServing;
    }
}
