using System.Text.Json.Serialization;

namespace TalkingBinaries.Plugins.Echo;

/// <summary>The echo step's config: what to say.</summary>
internal sealed record EchoConfig
{
    [JsonPropertyName("say")]
    public string Say { get; set; } = string.Empty;
}

[JsonSerializable(typeof(EchoConfig))]
internal sealed partial class EchoJsonContext : JsonSerializerContext;
