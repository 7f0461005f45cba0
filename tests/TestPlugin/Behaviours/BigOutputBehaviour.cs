using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Succeeds with an output <c>text</c> of config <c>lines</c> thousand characters, to fill what a run keeps of outputs.</summary>
internal sealed class BigOutputBehaviour : Behaviour
{
    public override string Name => "big-output";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        wire.Succeed(step, new TextOutputs(new string('o', step.Lines * 1000)), TestPluginJson.Default.TextOutputs);
        return Next.KeepServing;
    }
}
