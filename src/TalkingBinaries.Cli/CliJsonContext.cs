using System.Text.Json.Serialization;

namespace TalkingBinaries.Cli;

/// <summary>Source-generated JSON metadata for the values the CLI makes.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class CliJsonContext : JsonSerializerContext;
