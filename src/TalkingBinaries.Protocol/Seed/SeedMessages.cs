using System.Text.Json;

namespace TalkingBinaries.Protocol.Seed;

/// <summary>The Go prototype's request, written to a seed-format plugin's stdin before stdin is closed.</summary>
/// <remarks>Member names are PascalCase on the wire, as the prototype wrote them.</remarks>
public sealed record SeedRequest(JsonElement Config, bool Parallel);

/// <summary>The Go prototype's response: base64 strings keyed by the decimal index of each command.</summary>
public sealed record SeedResponse
{
    /// <summary>Each command's stdout, base64.</summary>
    public Dictionary<string, string>? UserOutput { get; init; }

    /// <summary>Each command's stderr, base64.</summary>
    public Dictionary<string, string>? Errors { get; init; }

    /// <summary>The plugin's own log text, base64.</summary>
    public string? PluginLogs { get; init; }
}
