using System.Text.Json;

namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>Messages over the limits: never left without an answer (docs/protocol.md, "Limits").</summary>
public sealed partial class JsonRpcPeer
{
    /// <summary>A line over the limit was dropped: answer the request it was, or fail the request it answered.</summary>
    private void Oversized(LinePrefix prefix, long bytes)
    {
        var what = $"a line of {bytes} bytes, over the protocol's limit of {_options.MaxMessageBytes} bytes";
        Report(new JsonRpcProblem(JsonRpcProblemKind.OversizedLine, $"dropped {what}") { Bytes = bytes, Id = prefix.Id, Method = prefix.Method });
        if (prefix.Id is not { } id)
        {
            return;
        }

        if (prefix.Method is not null)
        {
            // Every request gets an answer, even one that could not be read whole.
            Observe(_writer.WriteErrorAsync(id, new JsonRpcError { Code = JsonRpcErrorCodes.LimitExceeded, Message = $"The '{prefix.Method}' request was not read: it is {what}." }));
            return;
        }

        TaskCompletionSource<JsonRpcMessage>? waiting = null;
        if (id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out var number))
        {
            lock (_pendingLock)
            {
                _pending.Remove(number, out waiting);
            }
        }

        waiting?.TrySetResult(new JsonRpcMessage
        {
            JsonRpc = "2.0",
            Id = id,
            Error = new JsonRpcError { Code = JsonRpcErrorCodes.LimitExceeded, Message = $"the answer was not read: it is {what}" },
        });
    }

    /// <summary>A result too large or deep to send becomes an error saying so, so the request is still answered.</summary>
    private async Task ErrorIfOverLimitAsync(JsonElement id, Task written)
    {
        try
        {
            await written.ConfigureAwait(false);
        }
        catch (JsonRpcLimitException exception)
        {
            var message = exception.TooDeep
                ? $"The result was not sent: it nests deeper than the protocol's limit of {exception.Limit} levels."
                : $"The result was not sent: it is over the protocol's limit of {exception.Limit} bytes.";
            await _writer.WriteErrorAsync(id, new JsonRpcError { Code = JsonRpcErrorCodes.LimitExceeded, Message = message }).ConfigureAwait(false);
        }
    }

    /// <summary>What the start of an oversized line says: its id and method, when they come before the bulk.</summary>
    private readonly record struct LinePrefix(JsonElement? Id, string? Method)
    {
        public static LinePrefix Read(ReadOnlySpan<byte> start)
        {
            JsonElement? id = null;
            string? method = null;
            var reader = new Utf8JsonReader(start, isFinalBlock: false, state: default);
            try
            {
                if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
                {
                    return default;
                }

                // Top-level members only; a value that does not end within the piece ends the search.
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var isId = reader.ValueTextEquals("id"u8);
                    var isMethod = reader.ValueTextEquals("method"u8);
                    if (!reader.Read())
                    {
                        break;
                    }

                    if (isId && reader.TokenType is JsonTokenType.Number or JsonTokenType.String)
                    {
                        id = JsonElement.ParseValue(ref reader);
                    }
                    else if (isMethod && reader.TokenType == JsonTokenType.String)
                    {
                        method = reader.GetString();
                    }
                    else if (!reader.TrySkip())
                    {
                        break;
                    }
                }
            }
            catch (JsonException)
            {
                // Not JSON at all: nothing to answer.
            }

            return new LinePrefix(id, method);
        }
    }
}
