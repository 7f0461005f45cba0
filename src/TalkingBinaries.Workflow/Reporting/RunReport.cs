namespace TalkingBinaries.Workflow.Reporting;

/// <summary>The whole run, as <c>tb run --report FILE</c> writes it (docs/devfile.md, "Report").</summary>
public sealed record RunReport
{
    /// <summary>Identifies the run; plugins saw it as <c>runId</c>.</summary>
    public required string RunId { get; init; }

    /// <summary>The DevFile that was run.</summary>
    public required string DevFile { get; init; }

    /// <summary>Succeeded only when every step did.</summary>
    public required RunStatus Status { get; init; }

    /// <summary>The step whose failure stopped the run, when one did.</summary>
    public string? FailedFirst { get; init; }

    /// <summary>When the run started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When the run finished.</summary>
    public required DateTimeOffset FinishedAt { get; init; }

    /// <summary>Wall time of the run, in milliseconds.</summary>
    public required double DurationMs { get; init; }

    /// <summary>The global variables at the end of the run, secrets masked.</summary>
    public IReadOnlyDictionary<string, System.Text.Json.JsonElement> Variables { get; init; } = new Dictionary<string, System.Text.Json.JsonElement>();

    /// <summary>Every step, in file order.</summary>
    public required IReadOnlyList<StepReport> Steps { get; init; }
}
