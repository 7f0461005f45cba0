using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Writes lines to stdout that are not JSON, not JSON-RPC, and not whole JSON, then succeeds.</summary>
internal sealed class GarbageStdoutBehaviour : Behaviour
{
    public override string Name => "garbage-stdout";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        // Written as they are: specs expect exactly these lines back as warnings.
        wire.WriteRawStdoutLine("this is not json");
        wire.WriteRawStdoutLine("""{"json":"but not JSON-RPC"}""");
        wire.WriteRawStdoutLine("[1, 2");
        wire.Succeed(step, new NoOutputs(), TestPluginJson.Default.NoOutputs);
        return Next.KeepServing;
    }
}
