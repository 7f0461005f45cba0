using System.Text.Json.Serialization;

namespace TalkingBinaries.Protocol.Seed;

/// <summary>Source-generated JSON metadata for the seed (prototype) wire format, with its PascalCase names.</summary>
[JsonSourceGenerationOptions(PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(SeedRequest))]
[JsonSerializable(typeof(SeedResponse))]
public sealed partial class SeedJsonContext : JsonSerializerContext;
