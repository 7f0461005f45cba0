using System.Text.Json.Serialization;

namespace TalkingBinaries.Workflow.UpToDate;

/// <summary>Source-generated JSON metadata for the state in <c>.tb/</c>.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(StateFileContents))]
internal sealed partial class UpToDateJsonContext : JsonSerializerContext;
