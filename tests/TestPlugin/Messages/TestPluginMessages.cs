using System.Text.Json;
using System.Text.Json.Serialization;

namespace TalkingBinaries.TestPlugin.Messages;

// Every message the test plugin sends, with its members in the order docs/protocol.md shows them. The plugin speaks
// the protocol by hand, so these are its own records, not the Protocol library's: it must stay free to break it.

/// <summary>A response to a host request: its id and a result.</summary>
internal sealed record ResultResponse<TResult>(JsonElement? Id, TResult Result)
{
    [JsonPropertyOrder(-1)]
    public string Jsonrpc { get; } = "2.0";
}

/// <summary>A response to a host request: its id and an error.</summary>
internal sealed record ErrorResponse(JsonElement? Id, RpcError Error)
{
    [JsonPropertyOrder(-1)]
    public string Jsonrpc { get; } = "2.0";
}

/// <summary>A notification to the host.</summary>
internal sealed record Notification<TParams>(string Method, TParams Params)
{
    [JsonPropertyOrder(-1)]
    public string Jsonrpc { get; } = "2.0";
}

/// <summary>A JSON-RPC error.</summary>
internal sealed record RpcError(int Code, string Message);

/// <summary>The answer to <c>initialize</c>; without capabilities when a handshake is meant to be incomplete.</summary>
internal sealed record InitializeResult(
    int ProtocolVersion,
    PeerInfo Plugin,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] PluginCapabilities? Capabilities);

/// <summary>A peer's name and version.</summary>
internal sealed record PeerInfo(string Name, string Version);

/// <summary>What the plugin says it can do; <c>warm</c> only when it serves many steps.</summary>
internal sealed record PluginCapabilities(
    bool Cancel,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool Warm = false);

/// <summary>The answer to <c>step/run</c>: outputs when it succeeded, an error when it failed.</summary>
internal sealed record StepResult(
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Outputs,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] StepError? Error);

/// <summary>Why a step failed.</summary>
internal sealed record StepError(
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Code = null);

/// <summary>The params of <c>log</c>.</summary>
internal sealed record LogParams(string StepId, string Level, string Message);

/// <summary>The params of <c>progress</c>.</summary>
internal sealed record ProgressParams(string StepId, string Message, double Fraction);

/// <summary>The params of <c>vars/set</c>.</summary>
internal sealed record VarsSetParams(string StepId, string Name, JsonElement Value, bool Secret);

/// <summary>The params of <c>secrets/add</c>.</summary>
internal sealed record SecretsAddParams(string StepId, JsonElement Value);
