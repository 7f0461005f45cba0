using System.Text.Json.Serialization;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Source-generated JSON metadata for the outputs of seed-format steps.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class SeedReportJsonContext : JsonSerializerContext;
