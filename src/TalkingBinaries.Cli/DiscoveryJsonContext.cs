using System.Text.Json.Serialization;
using TalkingBinaries.Workflow.Planning;

namespace TalkingBinaries.Cli;

/// <summary>Source-generated JSON metadata for <c>tb list</c>, <c>tb graph</c> and <c>tb run --dry-run</c> with <c>--json</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.Never)]
[JsonSerializable(typeof(StepListing))]
[JsonSerializable(typeof(GraphListing))]
[JsonSerializable(typeof(DryRunPlan))]
[JsonSerializable(typeof(StatusListing))]
internal sealed partial class DiscoveryJsonContext : JsonSerializerContext;

/// <summary>What <c>tb list --json</c> prints.</summary>
internal sealed record StepListing(string DevFile, IReadOnlyList<StepSummary> Steps);

/// <summary>What <c>tb graph --json</c> prints: a node per step and an edge from each step to each one that waits for it.</summary>
internal sealed record GraphListing(string DevFile, IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges);

/// <summary>A step in <c>tb graph --json</c>.</summary>
internal sealed record GraphNode(string Id, string Plugin, string? If, string? Description);

/// <summary>A step waited for (<paramref name="From"/>) and the step that waits (<paramref name="To"/>); <paramref name="Written"/> is false when file order implies it rather than <c>needs</c>.</summary>
internal sealed record GraphEdge(string From, string To, bool Written);
