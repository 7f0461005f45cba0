using System.Text.Json;

namespace TalkingBinaries.Workflow.Reporting;

/// <summary>What happened to one step; the <c>steps[]</c> entries of the report (docs/devfile.md, "Report").</summary>
public sealed record StepReport
{
    /// <summary>The step's name.</summary>
    public required string Name { get; init; }

    /// <summary>The plugin ref it used.</summary>
    public required string Plugin { get; init; }

    /// <summary>How it ended.</summary>
    public required StepStatus Status { get; init; }

    /// <summary>The plugin process's exit code, when it exited by itself.</summary>
    public int? ExitCode { get; init; }

    /// <summary>The signal that killed the plugin process, when one did.</summary>
    public int? Signal { get; init; }

    /// <summary>The plugin process's id.</summary>
    public int? Pid { get; init; }

    /// <summary>What ran the plugin process: <c>local</c> or <c>slurm</c>; null when no process ran it.</summary>
    public string? Executor { get; init; }

    /// <summary>The Slurm job the plugin process ran in, for a plugin on Slurm.</summary>
    public string? SlurmJobId { get; init; }

    /// <summary>The Slurm job step the plugin process was, for a plugin on Slurm.</summary>
    public string? SlurmStepId { get; init; }

    /// <summary>The node the plugin process ran on, for a plugin on Slurm.</summary>
    public string? Node { get; init; }

    /// <summary>When the step started; null when skipped.</summary>
    public DateTimeOffset? StartedAt { get; init; }

    /// <summary>When the step finished; null when skipped.</summary>
    public DateTimeOffset? FinishedAt { get; init; }

    /// <summary>Plugin process start to exit, in milliseconds.</summary>
    public double? BinaryTimeMs { get; init; }

    /// <summary>The whole step including the host's work, in milliseconds.</summary>
    public double? StepTimeMs { get; init; }

    /// <summary>Named values the step produced.</summary>
    public IReadOnlyDictionary<string, JsonElement> Outputs { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Why the step failed, was cancelled or skipped; null on success.</summary>
    public string? Error { get; init; }

    /// <summary>A remark that is no error, such as outputs dropped over the run's limit (docs/devfile.md, "Output limits"); usually null.</summary>
    public string? Note { get; init; }

    /// <summary>Each attempt, in order, for a step with <c>retry</c> that started (docs/devfile.md, "Retries"); null for other steps.</summary>
    public IReadOnlyList<StepAttempt>? Attempts { get; init; }
}
