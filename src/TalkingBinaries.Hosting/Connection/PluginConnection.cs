using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Framing;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting.Connection;

/// <summary>The host side of the JSON-RPC conversation with one plugin: one reader loop, many requests in flight.</summary>
/// <remarks>
/// Thread-safe. Writes are serialised; responses are matched to requests by id, so any number may be in flight.
/// Notifications become <see cref="PluginEvent"/>s in the order they were read. A stdout line that is not a
/// protocol message becomes a warning event, never an error. When the plugin closes stdout, every pending
/// request fails with <see cref="ConnectionClosedException"/>.
/// </remarks>
public sealed class PluginConnection : IAsyncDisposable
{
    private readonly JsonRpcWriter _writer;
    private readonly NewLineDelimitedReader _reader;
    private readonly Action<PluginEvent> _onEvent;
    private readonly string _plugin;
    private readonly int _pid;
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonRpcMessage>> _pending = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly PluginRequestHandler? _onRequest;
    private readonly TaskCreationOptions _responseOptions;
    private long _nextId;
    private Task? _readLoop;

    /// <summary>Creates a connection that writes to <paramref name="toPlugin"/> and reads <paramref name="fromPlugin"/>.</summary>
    /// <remarks>With <paramref name="resumeOnReaderThread"/>, see <see cref="PluginStartInfo.ResumeOnReaderThread"/>.</remarks>
    public PluginConnection(Stream toPlugin, Stream fromPlugin, string plugin, int pid, Action<PluginEvent> onEvent, PluginRequestHandler? onRequest = null, bool resumeOnReaderThread = false)
    {
        _onRequest = onRequest;
        _responseOptions = resumeOnReaderThread ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously;
        _writer = new JsonRpcWriter(toPlugin);
        _reader = new NewLineDelimitedReader(fromPlugin);
        _plugin = plugin;
        _pid = pid;
        _onEvent = onEvent;
    }

    /// <summary>Completes when the plugin has closed stdout and every line before that was handled.</summary>
    public Task Completion => _readLoop ?? Task.CompletedTask;

    /// <summary>Starts the reader loop, on a thread of its own.</summary>
    public void Start() => _readLoop ??= Processes.ReaderThread.Start($"stdout {_pid}", ReadLoop, _stop.Token);

    /// <summary>Sends a request and waits for its response.</summary>
    /// <exception cref="JsonRpcRemoteException">The plugin answered with an error.</exception>
    /// <exception cref="ConnectionClosedException">The plugin closed stdout, or its stdin broke, first.</exception>
    public async Task<TResult?> RequestAsync<TParams, TResult>(
        string method,
        TParams parameters,
        JsonTypeInfo<TParams> paramsType,
        JsonTypeInfo<TResult> resultType,
        CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextId);
        var response = new TaskCompletionSource<JsonRpcMessage>(_responseOptions);
        _pending[id] = response;
        try
        {
            if (Completion.IsCompleted)
            {
                throw new ConnectionClosedException();
            }

            try
            {
                await _writer.WriteRequestAsync(id, method, parameters, paramsType, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException exception)
            {
                throw new ConnectionClosedException("the plugin closed its stdin before the request was written", exception);
            }

            var message = await response.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            if (message.Error is { } error)
            {
                throw new JsonRpcRemoteException(error);
            }

            return message.ReadResult(resultType);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Sends a notification; false when the plugin's stdin is already closed.</summary>
    public async Task<bool> NotifyAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType, CancellationToken cancellationToken = default)
    {
        try
        {
            await _writer.WriteNotificationAsync(method, parameters, paramsType, cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Closes the plugin's stdin: a plugin reads end of stream as "finish and exit".</summary>
    public async Task CloseInputAsync()
    {
        try
        {
            await _writer.Complete().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Already broken: the plugin is gone, which is what closing asks for.
        }
    }

    /// <summary>Stops reading, even if the plugin's stdout is still open (a grandchild may hold it).</summary>
    public async Task AbandonAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        foreach (var pending in _pending.Values)
        {
            pending.TrySetException(new ConnectionClosedException());
        }

        try
        {
            await Completion.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Expected: the loop was stopped mid-read.
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await AbandonAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        _stop.Dispose();
    }

    private void ReadLoop()
    {
        var discarded = 0L;
        try
        {
            while (!_stop.IsCancellationRequested && _reader.ReadLine() is { } chunk)
            {
                if (!chunk.EndsLine || discarded > 0)
                {
                    discarded += chunk.Bytes.Length;
                    if (chunk.EndsLine)
                    {
                        Warn($"dropped a stdout line of {discarded} bytes, over the protocol's limit of {ProtocolLimits.MaxMessageBytes} bytes");
                        discarded = 0;
                    }

                    continue;
                }

                Handle(chunk.Bytes);
            }
        }
        catch (IOException)
        {
            // The pipe broke: the plugin is gone, as at end of stream.
        }
        catch (ObjectDisposedException)
        {
            // Abandoned and disposed while blocked.
        }
        finally
        {
            foreach (var pending in _pending.Values)
            {
                pending.TrySetException(new ConnectionClosedException());
            }
        }
    }

    private void Handle(ReadOnlyMemory<byte> line)
    {
        if (line.Span.Trim(" \t"u8).IsEmpty)
        {
            return;
        }

        if (!JsonRpcMessage.TryParse(line.Span, out var message, out _))
        {
            // The raw line, so nothing the plugin wrote is lost; the observer marks it as not protocol.
            Warn(Encoding.UTF8.GetString(line.Span), PluginLogSource.StrayStdout);
            return;
        }

        switch (message.Kind)
        {
            case JsonRpcMessageKind.Response:
                if (message.TryGetNumericId(out var id) && _pending.TryGetValue(id, out var pending))
                {
                    pending.TrySetResult(message);
                }
                else if (message.Id is null && message.Error is { } error)
                {
                    Warn($"the plugin could not read a message from the host: {error.Message} (JSON-RPC error {error.Code})");
                }
                else
                {
                    Warn($"ignored a response to unknown request id {message.Id}");
                }

                break;
            case JsonRpcMessageKind.Notification:
                HandleNotification(message);
                break;
            case JsonRpcMessageKind.Request:
                // Answered off the reader thread, so a slow answer never holds up the plugin's other messages.
                _ = Task.Run(() => AnswerAsync(message));
                break;
        }
    }

    private async Task AnswerAsync(JsonRpcMessage message)
    {
        var id = message.Id!.Value.Clone();
        try
        {
            if (_onRequest is null)
            {
                throw new JsonRpcRemoteException(new JsonRpcError { Code = JsonRpcErrorCodes.MethodNotFound, Message = $"this host does not offer '{message.Method}'" });
            }

            var result = await _onRequest(message.Method!, message.Params?.Clone(), _stop.Token).ConfigureAwait(false);
            await _writer.WriteResultAsync(id, result, ProtocolJsonContext.Default.JsonElement).ConfigureAwait(false);
        }
        catch (JsonRpcRemoteException exception)
        {
            await TryAsync(_writer.WriteErrorAsync(id, exception.Error)).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Whatever goes wrong in the handler is the plugin's answer, not the host's crash.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            await TryAsync(_writer.WriteErrorAsync(id, new JsonRpcError { Code = JsonRpcErrorCodes.InternalError, Message = exception.Message })).ConfigureAwait(false);
        }
    }

    private static async Task TryAsync(Task write)
    {
        try
        {
            await write.ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The plugin is gone; nobody is left to answer.
        }
    }

    private void HandleNotification(JsonRpcMessage message)
    {
        try
        {
            switch (message.Method)
            {
                case ProtocolMethods.Log when message.ReadParams(ProtocolJsonContext.Default.LogParams) is { } log:
                    foreach (var text in log.Message.Split('\n'))
                    {
                        _onEvent(new PluginLogEvent(_plugin, _pid, log.StepId, DateTimeOffset.UtcNow, PluginLogSource.Protocol, log.Level, text.TrimEnd('\r')));
                    }

                    break;
                case ProtocolMethods.Progress when message.ReadParams(ProtocolJsonContext.Default.ProgressParams) is { } progress:
                    _onEvent(new PluginProgressEvent(_plugin, _pid, progress.StepId, DateTimeOffset.UtcNow, progress.Message, progress.Fraction));
                    break;
                case ProtocolMethods.VarsSet when message.ReadParams(ProtocolJsonContext.Default.VarsSetParams) is { } variable:
                    _onEvent(new PluginVariableEvent(_plugin, _pid, variable.StepId, DateTimeOffset.UtcNow, variable.Name, variable.Value.Clone(), variable.Secret));
                    break;
                case ProtocolMethods.SecretsAdd when message.ReadParams(ProtocolJsonContext.Default.SecretsAddParams) is { } secret:
                    _onEvent(new PluginSecretEvent(_plugin, _pid, secret.StepId, DateTimeOffset.UtcNow, secret.Value));
                    break;
                default:
                    // Unknown notifications are from newer plugins; ignoring them keeps old hosts working.
                    break;
            }
        }
        catch (System.Text.Json.JsonException exception)
        {
            Warn($"ignored a '{message.Method}' notification with unreadable params: {exception.Message}");
        }
    }

    private void Warn(string text, PluginLogSource source = PluginLogSource.Host) =>
        _onEvent(new PluginLogEvent(_plugin, _pid, null, DateTimeOffset.UtcNow, source, LogLevels.Warn, text));
}
