using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>Writes JSON-RPC 2.0 messages as newline-delimited JSON, one whole message per line.</summary>
/// <remarks>
/// Thread-safe: writes are serialised, so messages from concurrent callers never interleave.
/// Each message is flushed as soon as it is written; a writer made to write synchronously has done so when the
/// returned task is handed back. After <see cref="Complete"/> or a broken pipe, writes throw <see cref="IOException"/>.
/// A message over the size or depth limit is not written at all: <see cref="JsonRpcLimitException"/>.
/// A write to a pipe nobody reads blocks until the reader dies (a blocking pipe write cannot be interrupted), so
/// <see cref="Complete"/> never waits for it, and a write cancelled while waiting its turn gives up its turn
/// (docs/protocol.md, "Limits").
/// </remarks>
internal sealed class JsonRpcWriter : IAsyncDisposable
{
    private const int KeptBufferBytes = 1024 * 1024;

    private readonly Stream _stream;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Utf8JsonWriter _json;
    private readonly bool _writeSynchronously;
    private readonly int _maxMessageBytes;
    private ArrayBufferWriter<byte> _buffer = new(1024);
    private volatile bool _completed;
    private bool _closed;

    /// <summary>Creates a writer over <paramref name="stream"/>; it owns the stream.</summary>
    /// <param name="stream">Where the messages go.</param>
    /// <param name="writeSynchronously">
    /// Write on the caller's thread, returning completed tasks: for a stream whose asynchronous writes would only
    /// block a thread-pool thread instead (a <see cref="FileStream"/> over a pipe on Unix).
    /// </param>
    /// <param name="maxMessageBytes">The longest message written; longer ones throw <see cref="JsonRpcLimitException"/>.</param>
    /// <param name="maxDepth">The deepest nesting written; deeper throws <see cref="JsonRpcLimitException"/>.</param>
    public JsonRpcWriter(Stream stream, bool writeSynchronously = false, int maxMessageBytes = ProtocolLimits.MaxMessageBytes, int maxDepth = ProtocolLimits.MaxMessageDepth)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _json = new Utf8JsonWriter(_buffer, new JsonWriterOptions { SkipValidation = true, MaxDepth = maxDepth });
        _writeSynchronously = writeSynchronously;
        _maxMessageBytes = maxMessageBytes;
    }

    /// <summary>Writes a request with a numeric id.</summary>
    public Task WriteRequestAsync<T>(long id, string method, T parameters, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        WriteAsync($"the '{method}' request", json =>
        {
            json.WriteNumber("id"u8, id);
            json.WriteString("method"u8, method);
            json.WritePropertyName("params"u8);
            JsonSerializer.Serialize(json, parameters, typeInfo);
        }, cancellationToken);

    /// <summary>Writes a notification.</summary>
    public Task WriteNotificationAsync<T>(string method, T parameters, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        WriteAsync($"the '{method}' notification", json =>
        {
            json.WriteString("method"u8, method);
            json.WritePropertyName("params"u8);
            JsonSerializer.Serialize(json, parameters, typeInfo);
        }, cancellationToken);

    /// <summary>Writes a successful response to the request with <paramref name="id"/>.</summary>
    public Task WriteResultAsync<T>(JsonElement id, T result, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        WriteAsync("the response", json =>
        {
            json.WritePropertyName("id"u8);
            id.WriteTo(json);
            json.WritePropertyName("result"u8);
            JsonSerializer.Serialize(json, result, typeInfo);
        }, cancellationToken);

    /// <summary>Writes a failed response to the request with <paramref name="id"/> (null when the id could not be read).</summary>
    public Task WriteErrorAsync(JsonElement? id, JsonRpcError error, CancellationToken cancellationToken = default) =>
        WriteAsync("the error response", json =>
        {
            json.WritePropertyName("id"u8);
            if (id is { } known)
            {
                known.WriteTo(json);
            }
            else
            {
                json.WriteNullValue();
            }

            json.WritePropertyName("error"u8);
            JsonSerializer.Serialize(json, error, ProtocolJsonContext.Default.JsonRpcError);
        }, cancellationToken);

    /// <summary>Closes the stream; later writes throw. Never waits for a write under way: that write closes it as it ends.</summary>
    /// <remarks>
    /// A write blocked on a full pipe ends only when the reader dies; the host's stop path (SIGTERM, SIGKILL) must
    /// not wait behind it (docs/hosting.md, "Stopping a plugin").
    /// </remarks>
    public Task Complete()
    {
        _completed = true;
        CloseIfIdle();
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            await Complete().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The reader is gone (broken pipe); there is nothing left to flush to.
        }

        await _json.DisposeAsync().ConfigureAwait(false);
    }

    private Task WriteAsync(string what, Action<Utf8JsonWriter> body, CancellationToken cancellationToken) =>
        _writeSynchronously ? WriteSynchronously(what, body, cancellationToken) : WriteAsyncCore(what, body, cancellationToken);

    private async Task WriteAsyncCore(string what, Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Serialize(what, body);

            // Not cancellable once started: a message cut short would corrupt the stream for the other side.
            await _stream.WriteAsync(_buffer.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
            await _stream.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            Release();
        }
    }

    private Task WriteSynchronously(string what, Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
    {
        // A FileStream's "asynchronous" pipe write hands the same blocking write to a pool thread and makes the caller
        // wait for it: two thread hand-offs per message for nothing (in the plugin SDK, about a third of a warm echo
        // step's round trip). Failures still arrive through the task, as on the asynchronous path.
        try
        {
            _gate.Wait(cancellationToken);
        }
        catch (OperationCanceledException exception)
        {
            return Task.FromCanceled(exception.CancellationToken);
        }

        try
        {
            Serialize(what, body);
            _stream.Write(_buffer.WrittenSpan);
            _stream.Flush();
            return Task.CompletedTask;
        }
#pragma warning disable CA1031 // Not swallowed: handed to the caller through the task, like the asynchronous path.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return Task.FromException(exception);
        }
        finally
        {
            Release();
        }
    }

    /// <summary>Gives up the gate; a write that ends after <see cref="Complete"/> closes the stream on its way out.</summary>
    private void Release()
    {
        _gate.Release();
        if (_completed)
        {
            CloseIfIdle();
        }
    }

    /// <summary>Closes the stream unless a write holds the gate (it will call this again as it releases it).</summary>
    private void CloseIfIdle()
    {
        if (!_gate.Wait(0))
        {
            return;
        }

        try
        {
            if (!_closed)
            {
                _closed = true;
                _stream.Dispose();
            }
        }
        catch (IOException)
        {
            // The reader is gone (broken pipe); there is nothing left to flush to.
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Puts one whole message, with its line end, into the buffer; the caller holds the gate.</summary>
    /// <exception cref="JsonRpcLimitException">The message is over the size or depth limit; nothing is written.</exception>
    private void Serialize(string what, Action<Utf8JsonWriter> body)
    {
        if (_completed)
        {
            throw new IOException("The message stream is closed.");
        }

        if (_buffer.Capacity > KeptBufferBytes)
        {
            // One large message must not pin its buffer for the rest of the conversation.
            _buffer = new ArrayBufferWriter<byte>(1024);
        }

        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        try
        {
            _json.WriteStartObject();
            _json.WriteString("jsonrpc"u8, "2.0"u8);
            body(_json);
            _json.WriteEndObject();
            _json.Flush();
        }
        catch (Exception exception) when (exception is InvalidOperationException or JsonException && _json.CurrentDepth >= _json.Options.MaxDepth)
        {
            // The writer refuses to go deeper than MaxDepth, copied JSON values included; the serializer wraps that.
            throw new JsonRpcLimitException(what, tooDeep: true, _json.Options.MaxDepth);
        }

        if (_buffer.WrittenCount > _maxMessageBytes)
        {
            throw new JsonRpcLimitException(what, tooDeep: false, _maxMessageBytes);
        }

        _buffer.Write("\n"u8);
    }
}
