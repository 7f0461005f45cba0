namespace TalkingBinaries.Workflow.Reporting;

/// <summary>One run of a step that may be retried; the <c>attempts[]</c> entries of a step's report (docs/devfile.md, "Retries").</summary>
public sealed record StepAttempt
{
    /// <summary>Which attempt this was, 1 for the first.</summary>
    public required int Attempt { get; init; }

    /// <summary>How it ended.</summary>
    public required StepStatus Status { get; init; }

    /// <summary>The plugin process's exit code, when it exited with the attempt.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The signal that killed the plugin process, when one did.</summary>
    public int? Signal { get; init; }

    /// <summary>The plugin process's id.</summary>
    public int? Pid { get; init; }

    /// <summary>When the attempt started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the attempt ended.</summary>
    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>Why it failed or was cancelled; null on success.</summary>
    public string? Error { get; init; }
}
