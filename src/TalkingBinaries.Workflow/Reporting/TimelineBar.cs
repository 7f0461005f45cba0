namespace TalkingBinaries.Workflow.Reporting;

/// <summary>Where one step that ran is drawn on the timeline.</summary>
/// <param name="Step">The step.</param>
/// <param name="Index">Its position in the report's steps.</param>
/// <param name="Lane">Its row: steps that overlap in time never share one.</param>
/// <param name="StartMs">From the run's start to the step's.</param>
/// <param name="DurationMs">How long it took.</param>
internal sealed record TimelineBar(StepReport Step, int Index, int Lane, double StartMs, double DurationMs)
{
    public double EndMs => StartMs + DurationMs;
}
