using System.Text.Json;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Plugin;

/// <summary>What a step run by <see cref="StepHarness{TConfig}"/> did: its answer, and everything it sent the host.</summary>
public sealed record StepHarnessResult
{
    /// <summary>The <c>step/run</c> result the host would get.</summary>
    public required StepRunResult Result { get; init; }

    /// <summary>One of <see cref="StepResultStatus"/>: <c>succeeded</c>, <c>failed</c> or <c>cancelled</c>.</summary>
    public string Status => Result.Status;

    /// <summary>The step's outputs (on failure, those set before it).</summary>
    public IReadOnlyDictionary<string, JsonElement> Outputs => Result.Outputs;

    /// <summary>The exception that failed the step (from the handler, or for a config that does not fit); null otherwise.</summary>
    public StepFailedException? Failure { get; init; }

    /// <summary>The step's log lines, in order, with their levels.</summary>
    public IReadOnlyList<LogParams> Logs { get; init; } = [];

    /// <summary>The progress the step reported, in order.</summary>
    public IReadOnlyList<ProgressParams> Progress { get; init; } = [];

    /// <summary>The variables the step set, by name, each with the last value set.</summary>
    public IReadOnlyDictionary<string, JsonElement> VariablesSet { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>The values the step asked to mask: with <c>AddSecret</c>, or as secret variables.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];
}
