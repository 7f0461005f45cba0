namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Exits 0 in the middle of a step, without answering it.</summary>
internal sealed class ExitWithoutAnswerBehaviour : Behaviour
{
    public override string Name => "exit-without-answer";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        wire.WriteStderrLine("leaving without an answer");
        return Next.Exit(0);
    }
}
