using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>
/// Writes one stderr line of config <c>lines</c> bytes made of dots, with config <c>secret</c> placed to straddle
/// byte <c>at</c> (half before it, half after), then succeeds.
/// </summary>
internal sealed class LongStderrLineBehaviour : Behaviour
{
    public override string Name => "long-stderr-line";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        var secret = step.Config.GetProperty("secret").GetString()!;
        var at = step.Config.GetProperty("at").GetInt32();
        var line = new char[step.Lines];
        Array.Fill(line, '.');
        secret.CopyTo(0, line, at - (secret.Length / 2), secret.Length);
        wire.WriteStderr(new string(line) + "\n");
        wire.Succeed(step, new NoOutputs(), TestPluginJson.Default.NoOutputs);
        return Next.KeepServing;
    }
}
