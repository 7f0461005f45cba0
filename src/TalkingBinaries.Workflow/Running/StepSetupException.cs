using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Running;

/// <summary>A step could not be prepared: an expression of it failed when the step was about to start.</summary>
internal sealed class StepSetupException(SourceLocation location, string message) : Exception($"{location}: {message}")
{
    public SourceLocation Location { get; } = location;
}
