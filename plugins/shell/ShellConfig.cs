using System.Text.Json;
using System.Text.Json.Serialization;

namespace TalkingBinaries.Plugins.Shell;

/// <summary>The shell step's config.</summary>
internal sealed record ShellConfig
{
    /// <summary>Each command runs through <c>/bin/sh -c</c>, in order; the first failure stops the step.</summary>
    [JsonPropertyName("commands")]
    public IReadOnlyList<string> Commands { get; set; } = [];

    /// <summary>The commands' working directory; the plugin's (the DevFile's directory) when absent.</summary>
    [JsonPropertyName("workdir")]
    public string? Workdir { get; init; }

    /// <summary>Variables added to the commands' environment; a value that is not text is passed as JSON.</summary>
    [JsonPropertyName("env")]
    public IReadOnlyDictionary<string, JsonElement> Env { get; set; } = new Dictionary<string, JsonElement>();
}

[JsonSerializable(typeof(ShellConfig))]
internal sealed partial class ShellJsonContext : JsonSerializerContext;
