using System.Text.Json.Serialization;

namespace TalkingBinaries.Hosting.Wire;

/// <summary>Source-generated JSON metadata for the outputs a seed-format step reports.</summary>
[JsonSerializable(typeof(IReadOnlyList<string>))]
[JsonSerializable(typeof(string))]
internal sealed partial class SeedJsonOutputs : JsonSerializerContext;
