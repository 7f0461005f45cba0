using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Answers that the step failed, with a message and a code, after a line on stderr.</summary>
internal sealed class FailBehaviour : Behaviour
{
    public override string Name => "fail";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        wire.WriteStderrLine("about to fail");
        wire.Fail(step, new StepError("the test plugin was told to fail", "told_to_fail"));
        return Next.KeepServing;
    }
}
