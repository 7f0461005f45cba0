using System.Text.Json.Serialization;

namespace TalkingBinaries.Cli;

/// <summary>Source-generated JSON metadata for the values the CLI makes.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(CheckReport))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
