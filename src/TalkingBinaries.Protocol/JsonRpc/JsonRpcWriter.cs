using System.Buffers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>Writes JSON-RPC 2.0 messages as newline-delimited JSON, one whole message per line.</summary>
/// <remarks>
/// Thread-safe: writes are serialised, so messages from concurrent callers never interleave.
/// Each message is flushed as soon as it is written; a writer made to write synchronously has done so when the
/// returned task is handed back. After <see cref="Complete"/> or a broken pipe, writes throw <see cref="IOException"/>.
/// </remarks>
internal sealed class JsonRpcWriter : IAsyncDisposable
{
    private static readonly JsonWriterOptions WriterOptions = new() { SkipValidation = true };

    private readonly Stream _stream;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly ArrayBufferWriter<byte> _buffer = new(1024);
    private readonly Utf8JsonWriter _json;
    private readonly bool _writeSynchronously;
    private bool _completed;

    /// <summary>Creates a writer over <paramref name="stream"/>; it owns the stream.</summary>
    /// <param name="stream">Where the messages go.</param>
    /// <param name="writeSynchronously">
    /// Write on the caller's thread, returning completed tasks: for a stream whose asynchronous writes would only
    /// block a thread-pool thread instead (a <see cref="FileStream"/> over a pipe on Unix).
    /// </param>
    public JsonRpcWriter(Stream stream, bool writeSynchronously = false)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _json = new Utf8JsonWriter(_buffer, WriterOptions);
        _writeSynchronously = writeSynchronously;
    }

    /// <summary>Writes a request with a numeric id.</summary>
    public Task WriteRequestAsync<T>(long id, string method, T parameters, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        WriteAsync(json =>
        {
            json.WriteNumber("id"u8, id);
            json.WriteString("method"u8, method);
            json.WritePropertyName("params"u8);
            JsonSerializer.Serialize(json, parameters, typeInfo);
        }, cancellationToken);

    /// <summary>Writes a notification.</summary>
    public Task WriteNotificationAsync<T>(string method, T parameters, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        WriteAsync(json =>
        {
            json.WriteString("method"u8, method);
            json.WritePropertyName("params"u8);
            JsonSerializer.Serialize(json, parameters, typeInfo);
        }, cancellationToken);

    /// <summary>Writes a successful response to the request with <paramref name="id"/>.</summary>
    public Task WriteResultAsync<T>(JsonElement id, T result, JsonTypeInfo<T> typeInfo, CancellationToken cancellationToken = default) =>
        WriteAsync(json =>
        {
            json.WritePropertyName("id"u8);
            id.WriteTo(json);
            json.WritePropertyName("result"u8);
            JsonSerializer.Serialize(json, result, typeInfo);
        }, cancellationToken);

    /// <summary>Writes a failed response to the request with <paramref name="id"/> (null when the id could not be read).</summary>
    public Task WriteErrorAsync(JsonElement? id, JsonRpcError error, CancellationToken cancellationToken = default) =>
        WriteAsync(json =>
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

    /// <summary>Closes the stream after pending writes; later writes throw.</summary>
    public async Task Complete()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_completed)
            {
                _completed = true;
                await _stream.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
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

    private Task WriteAsync(Action<Utf8JsonWriter> body, CancellationToken cancellationToken) =>
        _writeSynchronously ? WriteSynchronously(body, cancellationToken) : WriteAsyncCore(body, cancellationToken);

    private async Task WriteAsyncCore(Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            Serialize(body);
            await _stream.WriteAsync(_buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
            await _stream.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private Task WriteSynchronously(Action<Utf8JsonWriter> body, CancellationToken cancellationToken)
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
            Serialize(body);
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
            _gate.Release();
        }
    }

    /// <summary>Puts one whole message, with its line end, into the buffer; the caller holds the gate.</summary>
    private void Serialize(Action<Utf8JsonWriter> body)
    {
        if (_completed)
        {
            throw new IOException("The message stream is closed.");
        }

        _buffer.ResetWrittenCount();
        _json.Reset(_buffer);
        _json.WriteStartObject();
        _json.WriteString("jsonrpc"u8, "2.0"u8);
        body(_json);
        _json.WriteEndObject();
        _json.Flush();
        _buffer.Write("\n"u8);
    }
}
