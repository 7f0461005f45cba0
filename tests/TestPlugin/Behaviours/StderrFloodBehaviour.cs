using System.Globalization;
using System.Text;
using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Writes config <c>lines</c> numbered lines to stderr in one write, then succeeds at once.</summary>
internal sealed class StderrFloodBehaviour : Behaviour
{
    public override string Name => "stderr-flood";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        var flood = new StringBuilder();
        for (var line = 1; line <= step.Lines; line++)
        {
            flood.Append("flood line ").Append(line.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        wire.WriteStderr(flood.ToString());
        wire.Succeed(step, new NoOutputs(), TestPluginJson.Default.NoOutputs);
        return Next.KeepServing;
    }
}
