using System.Text.Json;
using System.Text.Json.Serialization;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Protocol;

/// <summary>Source-generated JSON metadata for every protocol message (no reflection, Native AOT safe).</summary>
/// <remarks>
/// Message properties that have a default use <c>set</c>, not <c>init</c>: for an init-only property missing from
/// the JSON, the generated code assigns <c>default</c> and loses the initializer, so an old peer's message would
/// read wrongly.
/// </remarks>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    AllowTrailingCommas = true,
    ReadCommentHandling = JsonCommentHandling.Skip)]
[JsonSerializable(typeof(JsonRpcError))]
[JsonSerializable(typeof(InitializeParams))]
[JsonSerializable(typeof(InitializeResult))]
[JsonSerializable(typeof(StepRunParams))]
[JsonSerializable(typeof(StepRunResult))]
[JsonSerializable(typeof(StepCancelParams))]
[JsonSerializable(typeof(ShutdownParams))]
[JsonSerializable(typeof(LogParams))]
[JsonSerializable(typeof(ProgressParams))]
[JsonSerializable(typeof(VarsSetParams))]
[JsonSerializable(typeof(SecretsAddParams))]
[JsonSerializable(typeof(VarsGetParams))]
[JsonSerializable(typeof(VarsGetResult))]
[JsonSerializable(typeof(StepsGetParams))]
[JsonSerializable(typeof(StepsGetResult))]
[JsonSerializable(typeof(JsonElement))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, JsonElement>))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
