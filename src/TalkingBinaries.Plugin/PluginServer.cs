using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Framing;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Plugin;

/// <summary>The plugin side of a connection: one reader loop, steps handled concurrently, serialised writes.</summary>
internal sealed partial class PluginServer : IAsyncDisposable
{
    private readonly PluginOptions _options;
    private readonly Func<PluginServer, StepRunParams, CancellationToken, Task<StepRunResult>> _runStep;
    private readonly Stream _input;
    private readonly Stream _errors;
    private readonly JsonRpcWriter _writer;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _hostGone = new();
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonRpcMessage>> _pending = new();
    private long _nextId;
    private int? _protocolVersion;

    public PluginServer(
        PluginOptions options,
        Func<PluginServer, StepRunParams, CancellationToken, Task<StepRunResult>> runStep,
        Stream input,
        Stream output,
        Stream errors)
    {
        _options = options;
        _runStep = runStep;
        _input = input;
        _errors = errors;
        // The SDK's output is a FileStream over a pipe (StandardStreams), whose asynchronous writes block a pool thread anyway.
        _writer = new JsonRpcWriter(output, writeSynchronously: true);
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrency));
    }

    public async Task<int> ServeAsync()
    {
        var reader = new NewLineDelimitedReader(_input);
        var discarding = false;
        try
        {
            // A blocking read: the loop owns its thread; an asynchronous pipe read would only block a pool thread and add a hop.
            while (reader.ReadLine() is { } chunk)
            {
                if (!chunk.EndsLine || discarding)
                {
                    // An oversized line cannot be a message we accept; skip to its end (docs/protocol.md, "Framing").
                    discarding = !chunk.EndsLine;
                    if (!discarding)
                    {
                        WriteError("dropped a line longer than the protocol's limit");
                    }

                    continue;
                }

                if (chunk.Bytes.IsEmpty || chunk.Bytes.Span.Trim(" \t"u8).IsEmpty)
                {
                    continue;
                }

                if (!JsonRpcMessage.TryParse(chunk.Bytes.Span, out var message, out var problem))
                {
                    WriteError($"ignored a line from the host that is {problem}");
                    await TryWriteErrorAsync(null, JsonRpcErrorCodes.ParseError, $"The line is {problem}.").ConfigureAwait(false);
                    continue;
                }

                if (await DispatchAsync(message).ConfigureAwait(false))
                {
                    return 0;
                }
            }

            // The host closed stdin: it wants us gone. Stop what runs and leave.
            await _hostGone.CancelAsync().ConfigureAwait(false);
            await DrainAsync().ConfigureAwait(false);
            return 0;
        }
        finally
        {
            // Closing stdout tells the host that nothing more comes.
            await _writer.DisposeAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        _hostGone.Dispose();
        _slots.Dispose();
    }

    /// <summary>Asks the host something and waits for the answer.</summary>
    public async Task<TResult?> RequestAsync<TParams, TResult>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonRpcMessage>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = answer;
        try
        {
            await _writer.WriteRequestAsync(id, method, parameters, paramsType, cancellationToken).ConfigureAwait(false);
            using var hostGone = _hostGone.Token.Register(() => answer.TrySetCanceled());
            var message = await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return message.Error is { } error
                ? throw new InvalidOperationException($"the host refused {method}: {error.Message} (JSON-RPC error {error.Code})")
                : message.ReadResult(resultType);
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Sends a notification; waits for it to be written so logs keep their order with the result.</summary>
    public void Notify<T>(string method, T parameters, JsonTypeInfo<T> typeInfo)
    {
        try
        {
            _writer.WriteNotificationAsync(method, parameters, typeInfo).GetAwaiter().GetResult();
        }
        catch (IOException)
        {
            // The host is gone; the step will see its cancellation token.
        }
    }

    private async Task<bool> DispatchAsync(JsonRpcMessage message)
    {
        switch (message.Method)
        {
            case ProtocolMethods.Initialize when message.Id is { } id:
                await InitializeAsync(id, message).ConfigureAwait(false);
                return false;
            case ProtocolMethods.StepRun when message.Id is { } id:
                StartStep(id, message);
                return false;
            case ProtocolMethods.StepCancel:
                var cancel = TryRead(message, ProtocolJsonContext.Default.StepCancelParams);
                if (cancel is not null && _running.TryGetValue(cancel.StepId, out var source))
                {
                    await source.CancelAsync().ConfigureAwait(false);
                }

                return false;
            case ProtocolMethods.Shutdown:
                await DrainAsync().ConfigureAwait(false);
                if (message.Id is { } shutdownId)
                {
                    await TryWriteAsync(() => _writer.WriteResultAsync(shutdownId, new ShutdownParams(), ProtocolJsonContext.Default.ShutdownParams)).ConfigureAwait(false);
                }

                return true;
            case null:
                // A response to one of our requests (vars/get, steps/get).
                if (message.TryGetNumericId(out var responseId) && _pending.TryRemove(responseId, out var waiting))
                {
                    waiting.TrySetResult(message);
                }

                return false;
            default:
                if (message.Id is { } unknownId)
                {
                    await TryWriteErrorAsync(unknownId, JsonRpcErrorCodes.MethodNotFound, $"The plugin {_options.Name} does not know the method '{message.Method}'.").ConfigureAwait(false);
                }

                return false;
        }
    }

    private async Task InitializeAsync(JsonElement id, JsonRpcMessage message)
    {
        var parameters = TryRead(message, ProtocolJsonContext.Default.InitializeParams);
        if (parameters is null)
        {
            await TryWriteErrorAsync(id, JsonRpcErrorCodes.InvalidParams, "initialize needs params with protocolVersions and host.").ConfigureAwait(false);
            return;
        }

        var version = ProtocolVersions.Negotiate(parameters.ProtocolVersions, ProtocolVersions.Supported);
        if (version is null)
        {
            var offered = string.Join(", ", parameters.ProtocolVersions);
            var supported = string.Join(", ", ProtocolVersions.Supported);
            await TryWriteErrorAsync(
                id,
                JsonRpcErrorCodes.UnsupportedProtocolVersion,
                $"The plugin {_options.Name} speaks protocol versions [{supported}] and the host offered [{offered}]; upgrade whichever is older.").ConfigureAwait(false);
            return;
        }

        _protocolVersion = version;
        var result = new InitializeResult
        {
            ProtocolVersion = version.Value,
            Plugin = new PeerInfo(_options.Name, _options.Version),
            Capabilities = new PluginCapabilities { Cancel = true, Warm = _options.Warm, MaxConcurrency = Math.Max(1, _options.MaxConcurrency) },
        };
        await TryWriteAsync(() => _writer.WriteResultAsync(id, result, ProtocolJsonContext.Default.InitializeResult)).ConfigureAwait(false);
    }

    private T? TryRead<T>(JsonRpcMessage message, JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return message.ReadParams(typeInfo);
        }
        catch (JsonException exception)
        {
            WriteError($"could not read the params of '{message.Method}': {exception.Message}");
            return null;
        }
    }

    private Task TryWriteErrorAsync(JsonElement? id, int code, string text) =>
        TryWriteAsync(() => _writer.WriteErrorAsync(id, new JsonRpcError { Code = code, Message = text }));

    private static async Task TryWriteAsync(Func<Task> write)
    {
        try
        {
            await write().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The host is gone; nobody is left to answer.
        }
    }

    private void WriteError(string text)
    {
        var bytes = Encoding.UTF8.GetBytes($"[{_options.Name}] {text}\n");
        lock (_errors)
        {
            _errors.Write(bytes);
        }
    }
}
