using System.Diagnostics.CodeAnalysis;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>One JSON-RPC 2.0 message as read from a line; its parameters and result stay raw JSON until used.</summary>
internal sealed class JsonRpcMessage
{
    /// <summary>Always "2.0".</summary>
    [JsonPropertyName("jsonrpc")]
    public string? JsonRpc { get; init; }

    /// <summary>Request or response id: a number or a string; absent on notifications.</summary>
    [JsonPropertyName("id")]
    public JsonElement? Id { get; init; }

    /// <summary>The method of a request or notification.</summary>
    [JsonPropertyName("method")]
    public string? Method { get; init; }

    /// <summary>The parameters of a request or notification.</summary>
    [JsonPropertyName("params")]
    public JsonElement? Params { get; init; }

    /// <summary>The result of a successful response.</summary>
    [JsonPropertyName("result")]
    public JsonElement? Result { get; init; }

    /// <summary>The error of a failed response.</summary>
    [JsonPropertyName("error")]
    public JsonRpcError? Error { get; init; }

    /// <summary>What this message is.</summary>
    [JsonIgnore]
    public JsonRpcMessageKind Kind => Method is not null
        ? (Id is null ? JsonRpcMessageKind.Notification : JsonRpcMessageKind.Request)
        : JsonRpcMessageKind.Response;

    /// <summary>The id as a number, when it is one (the host only sends numeric ids).</summary>
    public bool TryGetNumericId(out long id)
    {
        id = 0;
        return Id is { ValueKind: JsonValueKind.Number } element && element.TryGetInt64(out id);
    }

    /// <summary>Parses one line; on failure says in <paramref name="problem"/> why, in words for a log.</summary>
    public static bool TryParse(ReadOnlySpan<byte> line, [NotNullWhen(true)] out JsonRpcMessage? message, [NotNullWhen(false)] out string? problem)
    {
        message = null;
        try
        {
            message = JsonSerializer.Deserialize(line, JsonRpcJsonContext.Default.JsonRpcMessage);
        }
        catch (JsonException exception)
        {
            problem = IsJson(line)
                ? $"JSON but not a JSON-RPC message ({FirstSentence(exception.Message)})"
                : $"not JSON ({FirstSentence(exception.Message)})";
            return false;
        }

        if (message is null)
        {
            problem = "a JSON null, not a message";
            return false;
        }

        if (message.JsonRpc != "2.0")
        {
            problem = "JSON without \"jsonrpc\":\"2.0\"";
            message = null;
            return false;
        }

        // An error response may carry "id": null when the sender could not read the request's id.
        if (message.Method is null && message.Id is null && message.Error is null)
        {
            problem = "a JSON-RPC message with neither \"method\" nor \"id\"";
            message = null;
            return false;
        }

        problem = null;
        return true;
    }

    /// <summary>Reads <see cref="Params"/> as <typeparamref name="T"/>; null when absent.</summary>
    public T? ReadParams<T>(System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        Params is { ValueKind: not JsonValueKind.Null } element ? element.Deserialize(typeInfo) : default;

    /// <summary>Reads <see cref="Result"/> as <typeparamref name="T"/>; null when absent.</summary>
    public T? ReadResult<T>(System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        Result is { ValueKind: not JsonValueKind.Null } element ? element.Deserialize(typeInfo) : default;

    private static bool IsJson(ReadOnlySpan<byte> line)
    {
        var reader = new Utf8JsonReader(line);
        try
        {
            return JsonDocument.TryParseValue(ref reader, out var document) && document is not null && Dispose(document);
        }
        catch (JsonException)
        {
            return false;
        }

        static bool Dispose(JsonDocument document)
        {
            document.Dispose();
            return true;
        }
    }

    private static string FirstSentence(string text)
    {
        var end = text.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? text.TrimEnd('.') : text[..end];
    }
}
