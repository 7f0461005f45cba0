using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>One side of a JSON-RPC conversation over newline-delimited JSON, host or plugin alike.</summary>
/// <remarks>
/// <para>One reader thread reads the other side's lines in order. Responses complete the matching request; requests
/// and notifications go to the handlers registered, by method, before <see cref="Start"/>. Handlers are called on
/// the reader thread, in order: one that may block must move its work off it (the reader reads nothing meanwhile).
/// A request handler's task becomes the response when it ends: its result, the error of a
/// <see cref="JsonRpcRemoteException"/>, or an internal error for any other exception.</para>
/// <para>Thread-safe. Writes are serialised, so any number of requests may be in flight. When reading ends (end of
/// stream, a broken pipe, or <see cref="AbandonAsync"/>), every request waiting for an answer, and every request
/// made afterwards, fails with <see cref="JsonRpcClosedException"/>.</para>
/// </remarks>
public sealed partial class JsonRpcPeer : IAsyncDisposable
{
    private readonly Stream _input;
    private readonly JsonRpcWriter _writer;
    private readonly JsonRpcPeerOptions _options;
    private readonly Dictionary<string, Action<JsonRpcMessage>> _requestHandlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Action<JsonRpcMessage>> _notificationHandlers = new(StringComparer.Ordinal);
    private readonly Lock _pendingLock = new();
    private readonly Dictionary<long, TaskCompletionSource<JsonRpcMessage>> _pending = [];
    private readonly CancellationTokenSource _closedSource = new();
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCreationOptions _answerOptions;
    private long _nextId;
    private int _answering;
    private TaskCompletionSource? _idle;
    private bool _closed;
    private bool _started;
    private volatile bool _abandoned;

    /// <summary>Creates a peer that reads <paramref name="input"/> and writes <paramref name="output"/>; it owns both.</summary>
    public JsonRpcPeer(Stream input, Stream output, JsonRpcPeerOptions? options = null)
    {
        _input = input ?? throw new ArgumentNullException(nameof(input));
        _options = options ?? new JsonRpcPeerOptions();
        _writer = new JsonRpcWriter(output ?? throw new ArgumentNullException(nameof(output)), _options.WriteSynchronously, _options.MaxMessageBytes, _options.MaxDepth);
        _answerOptions = _options.ResumeOnReaderThread ? TaskCreationOptions.None : TaskCreationOptions.RunContinuationsAsynchronously;
        Closed = _closedSource.Token;
    }

    /// <summary>Completes when reading has ended and every line before the end was handled.</summary>
    public Task Completion => _completion.Task;

    /// <summary>Cancelled when reading ends; request handlers receive it.</summary>
    public CancellationToken Closed { get; }

    /// <summary>Answers requests for <paramref name="method"/> with <paramref name="handler"/>.</summary>
    /// <param name="method">The method name.</param>
    /// <param name="paramsType">How to read the params.</param>
    /// <param name="resultType">How to write the result.</param>
    /// <param name="handler">Called on the reader thread with the params (null when absent) and <see cref="Closed"/>.</param>
    /// <param name="invalidParams">The error message for absent or unreadable params; null to hand absent ones to the handler.</param>
    public void HandleRequest<TParams, TResult>(
        string method,
        JsonTypeInfo<TParams> paramsType,
        JsonTypeInfo<TResult> resultType,
        Func<TParams?, CancellationToken, Task<TResult>> handler,
        string? invalidParams = null)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(_requestHandlers, method, message => Answer(message, paramsType, resultType, handler, invalidParams));
    }

    /// <summary>Handles notifications of <paramref name="method"/>; unreadable params are reported, not handled.</summary>
    /// <remarks>Called on the reader thread with the params (null when absent); a handler that throws loses that notification only.</remarks>
    public void HandleNotification<TParams>(string method, JsonTypeInfo<TParams> paramsType, Action<TParams?> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        Register(_notificationHandlers, method, message => Notified(message, paramsType, handler));
    }

    /// <summary>Starts reading, on a thread of its own; handlers can no longer be added.</summary>
    public void Start()
    {
        lock (_pendingLock)
        {
            if (_started)
            {
                return;
            }

            _started = true;
        }

        var thread = new Thread(ReadLoop, 256 * 1024) { IsBackground = true, Name = _options.Name };
        thread.Start();
    }

    /// <summary>Sends a request and waits for its answer.</summary>
    /// <exception cref="JsonRpcRemoteException">The other side answered with an error.</exception>
    /// <exception cref="JsonRpcClosedException">The conversation ended, or our output broke, before the answer.</exception>
    /// <exception cref="JsonException">The result does not have the shape <paramref name="resultType"/> reads.</exception>
    /// <exception cref="JsonRpcLimitException">The request is over the size or depth limit: it was not sent.</exception>
    public async Task<TResult?> RequestAsync<TParams, TResult>(
        string method,
        TParams parameters,
        JsonTypeInfo<TParams> paramsType,
        JsonTypeInfo<TResult> resultType,
        CancellationToken cancellationToken = default)
    {
        var id = Interlocked.Increment(ref _nextId);
        var answer = new TaskCompletionSource<JsonRpcMessage>(_answerOptions);
        lock (_pendingLock)
        {
            // Checked under the same lock that the reader takes as it ends, so a request cannot register after the
            // reader has failed every waiting one and then wait forever.
            if (_closed)
            {
                throw new JsonRpcClosedException();
            }

            _pending[id] = answer;
        }

        try
        {
            try
            {
                await _writer.WriteRequestAsync(id, method, parameters, paramsType, cancellationToken).ConfigureAwait(false);
            }
            catch (IOException exception)
            {
                throw new JsonRpcClosedException("the other side closed its input before the request was written", exception);
            }

            var message = await answer.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            return message.Error is { } error ? throw new JsonRpcRemoteException(error) : message.ReadResult(resultType);
        }
        finally
        {
            lock (_pendingLock)
            {
                _pending.Remove(id);
            }
        }
    }

    /// <summary>Sends a notification; false when our output is already closed, or <paramref name="cancellationToken"/> fired before its turn to be written.</summary>
    /// <exception cref="JsonRpcLimitException">The notification is over the size or depth limit: it was not sent.</exception>
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
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Another write still holds the output (a pipe nobody reads): this one gave up its turn.
            return false;
        }
    }

    /// <summary>Completes when every request received so far has been answered (or its answer could not be written).</summary>
    public async Task WhenAnsweredAsync()
    {
        while (true)
        {
            Task idle;
            lock (_pendingLock)
            {
                if (Volatile.Read(ref _answering) == 0)
                {
                    return;
                }

                idle = (_idle ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await idle.ConfigureAwait(false);
        }
    }

    /// <summary>Closes our output: the other side reads end of stream. Later writes fail.</summary>
    public async Task CloseOutputAsync()
    {
        try
        {
            await _writer.Complete().ConfigureAwait(false);
        }
        catch (IOException)
        {
            // Already broken: the other side is gone, which is what closing tells it.
        }
    }

    /// <summary>Stops reading even though the input is still open (a process may hold it), failing what waits.</summary>
    public Task AbandonAsync()
    {
        _abandoned = true;
        Close();
        return Completion;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await AbandonAsync().ConfigureAwait(false);
        await _writer.DisposeAsync().ConfigureAwait(false);
        _closedSource.Dispose();
    }

    private void Register(Dictionary<string, Action<JsonRpcMessage>> table, string method, Action<JsonRpcMessage> dispatch)
    {
        ArgumentException.ThrowIfNullOrEmpty(method);
        lock (_pendingLock)
        {
            if (_started)
            {
                throw new InvalidOperationException("handlers are registered before Start");
            }

            table[method] = dispatch;
        }
    }

    /// <summary>Ends the conversation once: no request waits or registers any more, and <see cref="Closed"/> is cancelled.</summary>
    private void Close()
    {
        List<TaskCompletionSource<JsonRpcMessage>> waiting;
        lock (_pendingLock)
        {
            if (_closed)
            {
                return;
            }

            _closed = true;
            waiting = [.. _pending.Values];
        }

        foreach (var answer in waiting)
        {
            answer.TrySetException(new JsonRpcClosedException());
        }

        _closedSource.Cancel();
        _completion.TrySetResult();
    }
}
