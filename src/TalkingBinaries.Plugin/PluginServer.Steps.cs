using System.Text.Json;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Plugin;

/// <summary>Running steps: each on its own task, with its own cancellation, answered when it ends.</summary>
internal sealed partial class PluginServer
{
    private Task<StepRunResult> StartStep(StepRunParams? parameters, CancellationToken cancellationToken)
    {
        if (!_initialized)
        {
            throw new JsonRpcRemoteException(JsonRpcErrorCodes.InvalidRequest, "step/run came before initialize; the host must complete the handshake first.");
        }

        if (_shutdown.Task.IsCompleted)
        {
            throw new JsonRpcRemoteException(JsonRpcErrorCodes.InvalidRequest, $"step/run came after shutdown; the plugin {_options.Name} is finishing.");
        }

        // Registered here, on the reader thread, so a step/cancel read right after this finds the step. The handler
        // runs on the thread pool unless the plugin vouches that it never blocks (PluginOptions.InlineSteps): one that
        // sleeps or waits for a process must not keep step/cancel or the next step from being read.
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_hostGone.Token);
        _running[parameters!.StepId] = cancellation;
        var task = _options.InlineSteps ? RunStepAsync(parameters, cancellation) : Task.Run(() => RunStepAsync(parameters, cancellation));
        if (!task.IsCompleted)
        {
            _inFlight.TryAdd(task, 0);
            _ = task.ContinueWith(done => _inFlight.TryRemove(done, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return task;
    }

    private async Task<StepRunResult> RunStepAsync(StepRunParams parameters, CancellationTokenSource cancellation)
    {
        using var owned = cancellation;
        await _slots.WaitAsync().ConfigureAwait(false);
        try
        {
            return await _runStep(this, parameters, cancellation.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            return Cancelled();
        }
        catch (StepFailedException exception)
        {
            return Failed(exception);
        }
#pragma warning disable CA1031 // A plugin's bug fails its step, not the whole plugin process.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            WriteError(exception.ToString());
            return Failed($"{exception.GetType().Name}: {exception.Message}", "unhandled_exception", null);
        }
        finally
        {
            _slots.Release();
            _running.TryRemove(parameters.StepId, out _);
        }
    }

    /// <summary>The result for a step that stopped on its cancellation token.</summary>
    public static StepRunResult Cancelled() =>
        new() { Status = StepResultStatus.Cancelled, Error = new StepError { Message = "the step was cancelled", Code = "cancelled" } };

    /// <summary>The result for a step that threw <paramref name="exception"/>.</summary>
    public static StepRunResult Failed(StepFailedException exception) => Failed(exception.Message, exception.Code, exception.ExitCode);

    private static StepRunResult Failed(string message, string? code, int? exitCode) => new()
    {
        Status = StepResultStatus.Failed,
        Error = new StepError
        {
            Message = message,
            Code = code,
            Data = exitCode is { } value ? JsonDocument.Parse($"{{\"exitCode\":{value}}}").RootElement.Clone() : null,
        },
    };

    private async Task DrainAsync()
    {
        while (!_inFlight.IsEmpty)
        {
            await Task.WhenAll(_inFlight.Keys).ConfigureAwait(false);
        }
    }
}
