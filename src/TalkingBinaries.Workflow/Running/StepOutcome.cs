using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Running;

/// <summary>How a step ended, whatever ran it; the one place a <see cref="StepReport"/> is made from.</summary>
/// <param name="Status">How it ended.</param>
/// <param name="Error">Why it failed, was cancelled or skipped; null on success.</param>
internal sealed record StepOutcome(StepStatus Status, string? Error)
{
    /// <summary>The plugin process that ran it, when one did.</summary>
    public int? Pid { get; init; }

    /// <summary>How that process ended, when it ended with the step.</summary>
    public ExitStatus? Exit { get; init; }

    /// <summary>The plugin's own time: spawn to exit for a one-shot process, request to answer for a warm one.</summary>
    public TimeSpan? BinaryTime { get; init; }

    /// <summary>Named values the step produced.</summary>
    public IReadOnlyDictionary<string, JsonElement> Outputs { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>What ran the plugin process: <c>local</c> or <c>slurm</c>.</summary>
    public string? Executor { get; init; }

    /// <summary>Where on a Slurm cluster it ran; null for a local process.</summary>
    public Hosting.Slurm.SlurmPlacement? Placement { get; init; }

    /// <summary>A remark that is no error, such as outputs dropped over the run's limit.</summary>
    public string? Note { get; init; }

    /// <summary>A step that did not run.</summary>
    public static StepOutcome Skipped(string reason) => new(StepStatus.Skipped, reason);

    /// <summary>A step that failed, with what its plugin exception says of the process.</summary>
    public static StepOutcome From(StepStatus status, PluginException exception, string? error = null) => new(status, error ?? exception.Message)
    {
        Pid = exception.Pid,
        Exit = exception.ExitStatus,
        BinaryTime = exception.BinaryTime,
    };

    /// <summary>The report of <paramref name="step"/>; a step that ran has times, a skipped one none.</summary>
    public StepReport ToReport(StepDefinition step, DateTimeOffset? startedAt = null, TimeSpan? stepTime = null) => new()
    {
        Name = step.Name,
        Plugin = step.Plugin,
        Status = Status,
        ExitCode = Exit?.Code,
        Signal = Exit?.Signal,
        Pid = Pid,
        Executor = Executor,
        SlurmJobId = Placement?.JobId,
        SlurmStepId = Placement?.StepId,
        Node = Placement?.Node,
        StartedAt = startedAt,
        FinishedAt = startedAt is null ? null : DateTimeOffset.UtcNow,
        BinaryTimeMs = BinaryTime is { } binary ? Milliseconds(binary) : null,
        StepTimeMs = stepTime is { } elapsed ? Milliseconds(elapsed) : null,
        Outputs = Outputs,
        Error = Error,
        Note = Note,
    };

    private static double Milliseconds(TimeSpan span) => Math.Round(span.TotalMilliseconds, 3);
}
