using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Planning;

namespace TalkingBinaries.Workflow.Running;

/// <summary>What a run will do, fixed before it starts: the steps selected, their graph, and each plugin's executable.</summary>
internal sealed class RunPlan(DevFile devFile, StepGraph graph, IReadOnlyList<string> selected, IReadOnlyDictionary<string, string> executables, int maxParallel)
{
    public DevFile DevFile { get; } = devFile;

    public StepGraph Graph { get; } = graph;

    /// <summary>The steps to run, in file order.</summary>
    public IReadOnlyList<string> Selected { get; } = selected;

    public IReadOnlySet<string> SelectedSet { get; } = selected.ToHashSet(StringComparer.Ordinal);

    /// <summary>Each plugin ref's executable.</summary>
    public IReadOnlyDictionary<string, string> Executables { get; } = executables;

    public int MaxParallel { get; } = maxParallel;

    public StepDefinition Step(string name) => DevFile.Step(name);

    /// <summary>Whether a step's outcome lets the steps that need it run.</summary>
    public bool Satisfies(Reporting.StepReport report) =>
        report.Status is Reporting.StepStatus.Succeeded or Reporting.StepStatus.UpToDate || (report.Status == Reporting.StepStatus.Failed && Step(report.Name).ContinueOnError);
}
