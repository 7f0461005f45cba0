using System.Text.Json;

namespace TalkingBinaries.Workflow.UpToDate;

/// <summary>What <c>.tb/</c> keeps of a tracked step's last successful run: what went in, and what came out.</summary>
/// <remarks>Only SHA-256 digests of what went in are kept, never a config or a variable's value; outputs holding a secret are never kept.</remarks>
public sealed record StepRecord
{
    /// <summary>The digest of everything below that went in: the step is up to date when today's equals it.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>The digest of the step's config, its expressions worked out.</summary>
    public required string Config { get; init; }

    /// <summary>The digest of the plugin: its ref, protocol and executable.</summary>
    public required string Plugin { get; init; }

    /// <summary>The digest of the run's variables from the DevFile, <c>--var</c> and var-files.</summary>
    public required string Variables { get; init; }

    /// <summary>Each input file's SHA-256, by path relative to the DevFile.</summary>
    public IReadOnlyDictionary<string, string> Inputs { get; init; } = new Dictionary<string, string>();

    /// <summary>The token of each step it waits for, by name.</summary>
    public IReadOnlyDictionary<string, string> Needs { get; init; } = new Dictionary<string, string>();

    /// <summary>Each output file's SHA-256, by path relative to the DevFile.</summary>
    public IReadOnlyDictionary<string, string> Files { get; init; } = new Dictionary<string, string>();

    /// <summary>The step's outputs, given back when it is up to date so <c>steps.X.outputs</c> still works.</summary>
    public IReadOnlyDictionary<string, JsonElement> Outputs { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>The variables the step set, given back when it is up to date.</summary>
    public IReadOnlyDictionary<string, JsonElement> SetVariables { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>When the run that made this record finished the step.</summary>
    public DateTimeOffset FinishedAt { get; init; }
}
