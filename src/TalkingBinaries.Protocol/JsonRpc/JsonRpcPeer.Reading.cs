using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TalkingBinaries.Protocol.Framing;

namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>The reader loop, and what it does with each message.</summary>
public sealed partial class JsonRpcPeer
{
    private void ReadLoop()
    {
        var reader = new NewLineDelimitedReader(_input, _options.MaxMessageBytes);
        var discarded = 0L;
        var oversized = default(LinePrefix);
        try
        {
            // Blocking reads on a thread of its own: an asynchronous pipe read would only block a pool thread instead.
            while (!_abandoned && reader.ReadLine() is { } chunk)
            {
                if (_abandoned)
                {
                    break;
                }

                if (!chunk.EndsLine || discarded > 0)
                {
                    // An oversized line cannot be a message either side accepts: skip to its end, but answer it if
                    // its start says what it was (docs/protocol.md, "Limits").
                    if (discarded == 0)
                    {
                        oversized = LinePrefix.Read(chunk.Bytes.Span);
                    }

                    discarded += chunk.Bytes.Length;
                    if (chunk.EndsLine)
                    {
                        Oversized(oversized, discarded);
                        discarded = 0;
                    }

                    continue;
                }

                Handle(chunk.Bytes.Span);
            }
        }
        catch (IOException)
        {
            // The pipe broke: the other side is gone, as at end of stream.
        }
        catch (ObjectDisposedException)
        {
            // Abandoned and disposed while blocked.
        }
        finally
        {
            Close();
        }
    }

    private void Handle(ReadOnlySpan<byte> line)
    {
        if (line.Trim(" \t"u8).IsEmpty)
        {
            return;
        }

        if (!System.Text.Unicode.Utf8.IsValid(line))
        {
            // A stray invalid byte costs that character, not the message: U+FFFD, as for stderr lines.
            line = Encoding.UTF8.GetBytes(Encoding.UTF8.GetString(line));
        }

        if (!JsonRpcMessage.TryParse(line, out var message, out var problem))
        {
            // The raw line goes with the report, so nothing the other side wrote is lost.
            Report(new JsonRpcProblem(JsonRpcProblemKind.UnreadableLine, problem) { Text = Encoding.UTF8.GetString(line) });
            if (_options.AnswerUnreadableLines)
            {
                Observe(_writer.WriteErrorAsync(null, new JsonRpcError { Code = JsonRpcErrorCodes.ParseError, Message = $"The line is {problem}." }));
            }

            return;
        }

        switch (message.Kind)
        {
            case JsonRpcMessageKind.Response:
                Answered(message);
                break;
            case JsonRpcMessageKind.Notification:
                if (_notificationHandlers.TryGetValue(message.Method!, out var notification))
                {
                    notification(message);
                }

                // Unknown notifications come from newer peers; ignoring them keeps old ones working.
                break;
            case JsonRpcMessageKind.Request:
                if (_requestHandlers.TryGetValue(message.Method!, out var request))
                {
                    request(message);
                }
                else
                {
                    Observe(_writer.WriteErrorAsync(message.Id, new JsonRpcError { Code = JsonRpcErrorCodes.MethodNotFound, Message = _options.DescribeUnknownMethod(message.Method!) }));
                }

                break;
        }
    }

    private void Answered(JsonRpcMessage message)
    {
        TaskCompletionSource<JsonRpcMessage>? waiting = null;
        if (message.TryGetNumericId(out var id))
        {
            lock (_pendingLock)
            {
                _pending.Remove(id, out waiting);
            }
        }

        if (waiting is not null)
        {
            waiting.TrySetResult(message);
        }
        else if (message.Id is null && message.Error is { } error)
        {
            Report(new JsonRpcProblem(JsonRpcProblemKind.ErrorWithoutId, $"could not read a message we sent: {error.Message} (JSON-RPC error {error.Code})") { Error = error });
        }
        else
        {
            Report(new JsonRpcProblem(JsonRpcProblemKind.UnknownResponse, $"ignored a response to unknown request id {message.Id?.GetRawText()}") { Id = message.Id });
        }
    }

    private void Notified<TParams>(JsonRpcMessage message, JsonTypeInfo<TParams> paramsType, Action<TParams?> handler)
    {
        TParams? parameters;
        try
        {
            parameters = message.ReadParams(paramsType);
        }
        catch (JsonException exception)
        {
            Report(new JsonRpcProblem(JsonRpcProblemKind.UnreadableParams, $"ignored a '{message.Method}' notification with unreadable params: {exception.Message}") { Method = message.Method });
            return;
        }

        try
        {
            handler(parameters);
        }
#pragma warning disable CA1031 // A faulty handler loses its notification, not the conversation.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private void Answer<TParams, TResult>(
        JsonRpcMessage message,
        JsonTypeInfo<TParams> paramsType,
        JsonTypeInfo<TResult> resultType,
        Func<TParams?, CancellationToken, Task<TResult>> handler,
        string? invalidParams)
    {
        var id = message.Id!.Value;
        Task<TResult> answer;
        Interlocked.Increment(ref _answering);
        try
        {
            TParams? parameters;
            try
            {
                parameters = message.ReadParams(paramsType);
            }
            catch (JsonException exception)
            {
                throw new JsonRpcRemoteException(JsonRpcErrorCodes.InvalidParams, invalidParams ?? $"the params of '{message.Method}' are unreadable: {exception.Message}");
            }

            if (parameters is null && invalidParams is not null)
            {
                throw new JsonRpcRemoteException(JsonRpcErrorCodes.InvalidParams, invalidParams);
            }

            answer = handler(parameters, Closed);
        }
#pragma warning disable CA1031 // Whatever the handler throws is the other side's answer, not the reader's end.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            answer = Task.FromException<TResult>(exception);
        }

        // The common case for quick handlers: answered on the reader thread, with no continuation.
        var written = answer.IsCompleted ? Respond(id, answer, resultType) : RespondWhenDoneAsync(id, answer, resultType);
        if (written.IsCompleted)
        {
            AnswerWritten(written);
        }
        else
        {
            _ = written.ContinueWith(AnswerWritten, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>One answer is written (or could not be, the other side being gone).</summary>
    private void AnswerWritten(Task written)
    {
        _ = written.Exception;
        if (Interlocked.Decrement(ref _answering) == 0)
        {
            TaskCompletionSource? idle;
            lock (_pendingLock)
            {
                idle = _idle;
                _idle = null;
            }

            idle?.TrySetResult();
        }
    }

    private async Task RespondWhenDoneAsync<TResult>(JsonElement id, Task<TResult> answer, JsonTypeInfo<TResult> resultType)
    {
        try
        {
            await answer.ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Inspected by Respond.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        await Respond(id, answer, resultType).ConfigureAwait(false);
    }

    private Task Respond<TResult>(JsonElement id, Task<TResult> answer, JsonTypeInfo<TResult> resultType)
    {
        if (answer.IsCompletedSuccessfully)
        {
            var written = _writer.WriteResultAsync(id, answer.Result, resultType);
            return written.IsCompletedSuccessfully ? written : ErrorIfOverLimitAsync(id, written);
        }

        var exception = answer.Exception?.InnerException;
        var error = exception switch
        {
            JsonRpcRemoteException remote => remote.Error,
            null => new JsonRpcError { Code = JsonRpcErrorCodes.InternalError, Message = "the request was cancelled" },
            _ => new JsonRpcError { Code = JsonRpcErrorCodes.InternalError, Message = exception.Message },
        };
        return _writer.WriteErrorAsync(id, error);
    }

    private void Report(JsonRpcProblem problem) => _options.OnProblem?.Invoke(problem);

    /// <summary>A write nobody waits for: a broken pipe means the other side is gone and nobody is left to answer.</summary>
    private static void Observe(Task write)
    {
        if (write.IsCompletedSuccessfully)
        {
            return;
        }

        _ = write.ContinueWith(static task => _ = task.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }
}
