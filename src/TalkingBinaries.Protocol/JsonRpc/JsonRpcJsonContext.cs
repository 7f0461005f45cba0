using System.Text.Json;
using System.Text.Json.Serialization;

namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>Source-generated JSON metadata for the JSON-RPC envelope, which only the peer reads.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    MaxDepth = ProtocolLimits.MaxMessageDepth)]
[JsonSerializable(typeof(JsonRpcMessage))]
internal sealed partial class JsonRpcJsonContext : JsonSerializerContext;
