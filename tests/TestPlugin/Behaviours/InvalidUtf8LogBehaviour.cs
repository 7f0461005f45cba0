using System.Text;
using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Sends a <c>log</c> notification whose message holds one invalid UTF-8 byte (0xFF) between "bad" and "byte", then succeeds.</summary>
internal sealed class InvalidUtf8LogBehaviour : Behaviour
{
    public override string Name => "invalid-utf8-log";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        var line = Encoding.UTF8.GetBytes($$$"""{"jsonrpc":"2.0","method":"log","params":{"stepId":"{{{step.StepId}}}","level":"info","message":"bad X byte"}}""");
        line[Array.IndexOf(line, (byte)'X')] = 0xFF;
        wire.WriteRawStdoutLine(line);
        wire.Succeed(step, new NoOutputs(), TestPluginJson.Default.NoOutputs);
        return Next.KeepServing;
    }
}
