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

    /// <summary>Variables added to the commands' environment.</summary>
    [JsonPropertyName("env")]
    public IReadOnlyDictionary<string, string> Env { get; set; } = new Dictionary<string, string>();
}

[JsonSerializable(typeof(ShellConfig))]
internal sealed partial class ShellJsonContext : JsonSerializerContext;
