using System.Text.Json;

namespace TalkingBinaries.Protocol.Messages;

/// <summary>Params of <c>step/run</c>: everything a plugin needs to run one step.</summary>
public sealed record StepRunParams
{
    /// <summary>Identifies the whole run; the same for every step of it.</summary>
    public required string RunId { get; init; }

    /// <summary>Identifies this step within the run; logs and progress about it carry it back.</summary>
    public required string StepId { get; init; }

    /// <summary>The step's name as written in the workflow.</summary>
    public required string Step { get; init; }

    /// <summary>The step's <c>config</c>, a JSON object (empty when the workflow gives none).</summary>
    public required JsonElement Config { get; init; }

    /// <summary>Where the step runs in relation to others.</summary>
    public ParallelInfo Parallel { get; set; } = new();

    /// <summary>Variables visible to the step, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Variables { get; set; } = new Dictionary<string, JsonElement>();
}

/// <summary>Whether a step runs alongside others, and which.</summary>
public sealed record ParallelInfo
{
    /// <summary>True when other steps may run at the same time.</summary>
    public bool Enabled { get; init; }

    /// <summary>The run group (or graph wave) the step belongs to, counted from 0.</summary>
    public int Group { get; init; }

    /// <summary>This step's index among concurrent instances of the same plugin binary, from 0.</summary>
    public int Instance { get; init; }

    /// <summary>How many instances of the same plugin binary run at once.</summary>
    public int Instances { get; set; } = 1;

    /// <summary>Names of the other steps that run at the same time.</summary>
    public IReadOnlyList<string> Siblings { get; set; } = [];
}

/// <summary>The status a step ends with, as a plugin reports it.</summary>
public static class StepResultStatus
{
    /// <summary>The step did its work.</summary>
    public const string Succeeded = "succeeded";

    /// <summary>The step could not do its work; <see cref="StepRunResult.Error"/> says why.</summary>
    public const string Failed = "failed";

    /// <summary>The step stopped early because it was asked to.</summary>
    public const string Cancelled = "cancelled";
}

/// <summary>Result of <c>step/run</c>.</summary>
public sealed record StepRunResult
{
    /// <summary>One of <see cref="StepResultStatus"/>.</summary>
    public string Status { get; set; } = StepResultStatus.Succeeded;

    /// <summary>Named values the step produced.</summary>
    public IReadOnlyDictionary<string, JsonElement> Outputs { get; set; } = new Dictionary<string, JsonElement>();

    /// <summary>Why the step failed; absent on success.</summary>
    public StepError? Error { get; init; }
}

/// <summary>A structured step failure.</summary>
public sealed record StepError
{
    /// <summary>One line for a person: what went wrong and, where known, what to do.</summary>
    public required string Message { get; init; }

    /// <summary>A short machine-readable reason, such as <c>command_failed</c>.</summary>
    public string? Code { get; init; }

    /// <summary>Anything structured the plugin adds (an exit code, a file, a line).</summary>
    public JsonElement? Data { get; init; }
}

/// <summary>Params of <c>step/cancel</c>.</summary>
public sealed record StepCancelParams(string StepId);

/// <summary>Params and result of <c>shutdown</c>: empty in v1.</summary>
public sealed record ShutdownParams;
