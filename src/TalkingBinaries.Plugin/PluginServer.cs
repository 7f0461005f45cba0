using System.Collections.Concurrent;
using System.Text;
using System.Text.Json.Serialization.Metadata;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Plugin;

/// <summary>The plugin side of the conversation: the protocol's handlers on one <see cref="JsonRpcPeer"/>.</summary>
internal sealed partial class PluginServer : StepChannel, IAsyncDisposable
{
    private readonly PluginOptions _options;
    private readonly Func<StepChannel, StepRunParams, CancellationToken, Task<StepRunResult>> _runStep;
    private readonly Stream _errors;
    private readonly JsonRpcPeer _peer;
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _inFlight = new();
    private readonly SemaphoreSlim _slots;
    private readonly CancellationTokenSource _hostGone = new();
    private readonly TaskCompletionSource _shutdown = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile bool _initialized;

    public PluginServer(
        PluginOptions options,
        Func<StepChannel, StepRunParams, CancellationToken, Task<StepRunResult>> runStep,
        Stream input,
        Stream output,
        Stream errors)
    {
        _options = options;
        _runStep = runStep;
        _errors = errors;
        _slots = new SemaphoreSlim(Math.Max(1, options.MaxConcurrency));
        _peer = new JsonRpcPeer(input, output, new JsonRpcPeerOptions
        {
            Name = "host",

            // The SDK's output is a FileStream over a pipe (StandardStreams), whose asynchronous writes block a pool thread anyway.
            WriteSynchronously = true,
            AnswerUnreadableLines = true,
            DescribeUnknownMethod = method => $"The plugin {options.Name} does not know the method '{method}'.",
            OnProblem = problem => WriteError(problem.Kind switch
            {
                JsonRpcProblemKind.OversizedLine => "dropped a line longer than the protocol's limit",
                JsonRpcProblemKind.UnreadableLine => $"ignored a line from the host that is {problem.Description}",
                _ => problem.Description,
            }),
        });
        _peer.HandleRequest(ProtocolMethods.Initialize, ProtocolJsonContext.Default.InitializeParams, ProtocolJsonContext.Default.InitializeResult, Initialize, "initialize needs params with protocolVersions and host.");
        _peer.HandleRequest(ProtocolMethods.StepRun, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, StartStep, "step/run needs params with runId, stepId, step and config.");
        _peer.HandleNotification(ProtocolMethods.StepCancel, ProtocolJsonContext.Default.StepCancelParams, Cancel);
        _peer.HandleRequest(ProtocolMethods.Shutdown, ProtocolJsonContext.Default.ShutdownParams, ProtocolJsonContext.Default.ShutdownParams, ShutdownAsync);
        _peer.HandleNotification(ProtocolMethods.Shutdown, ProtocolJsonContext.Default.ShutdownParams, _ => BeginShutdown());
    }

    /// <summary>Serves the host until it says shutdown or closes stdin; returns the exit code.</summary>
    public async Task<int> ServeAsync()
    {
        _peer.Start();
        await Task.WhenAny(_shutdown.Task, _peer.Completion).ConfigureAwait(false);
        var finished = FinishAsync();
        if (!_shutdown.Task.IsCompleted)
        {
            // The host closed stdin without asking: it wants us gone, or is gone (killed). Stop what runs and leave,
            // even if a handler ignores its token: nobody else would ever end this process (docs/protocol.md, "Lifecycle").
            await _hostGone.CancelAsync().ConfigureAwait(false);
            if (await Task.WhenAny(finished, Task.Delay(_options.HostGoneGrace)).ConfigureAwait(false) != finished)
            {
                WriteError($"stdin closed and a step ignored its cancellation for {_options.HostGoneGrace.TotalSeconds:0.#} s; exiting without its answer");
                return Plugin.HostGoneExitCode;
            }
        }

        await finished.ConfigureAwait(false);

        // Closing stdout tells the host that nothing more comes.
        await _peer.CloseOutputAsync().ConfigureAwait(false);
        return 0;
    }

    /// <summary>Every step has ended and every answer has been written.</summary>
    private async Task FinishAsync()
    {
        await DrainAsync().ConfigureAwait(false);
        await _peer.WhenAnsweredAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _peer.DisposeAsync().ConfigureAwait(false);
        _hostGone.Dispose();
        _slots.Dispose();
    }

    /// <inheritdoc />
    public override async Task<TResult?> RequestAsync<TParams, TResult>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
        where TResult : default
    {
        try
        {
            return await _peer.RequestAsync(method, parameters, paramsType, resultType, cancellationToken).ConfigureAwait(false);
        }
        catch (JsonRpcRemoteException exception)
        {
            throw new InvalidOperationException($"the host refused {method}: {exception.Error.Message} (JSON-RPC error {exception.Error.Code})", exception);
        }
        catch (JsonRpcClosedException exception)
        {
            throw new OperationCanceledException($"the host is gone; {method} has no answer", exception);
        }
    }

    /// <inheritdoc />
    public override void Notify<T>(string method, T parameters, JsonTypeInfo<T> typeInfo) =>

        // False when the host is gone; the step will see its cancellation token.
        _ = _peer.NotifyAsync(method, parameters, typeInfo).GetAwaiter().GetResult();

    private Task<InitializeResult> Initialize(InitializeParams? parameters, CancellationToken cancellationToken)
    {
        var version = ProtocolVersions.Negotiate(parameters!.ProtocolVersions, ProtocolVersions.Supported);
        if (version is null)
        {
            var offered = string.Join(", ", parameters.ProtocolVersions);
            var supported = string.Join(", ", ProtocolVersions.Supported);
            throw new JsonRpcRemoteException(
                JsonRpcErrorCodes.UnsupportedProtocolVersion,
                $"The plugin {_options.Name} speaks protocol versions [{supported}] and the host offered [{offered}]; upgrade whichever is older.");
        }

        _initialized = true;
        return Task.FromResult(new InitializeResult
        {
            ProtocolVersion = version.Value,
            Plugin = new PeerInfo(_options.Name, _options.Version),
            Capabilities = new PluginCapabilities { Cancel = true, Warm = _options.Warm, MaxConcurrency = Math.Max(1, _options.MaxConcurrency) },
            Declares = _options.DeclaredVariables is null && _options.DeclaredOutputs is null
                ? null
                : new PluginDeclarations { Variables = _options.DeclaredVariables, Outputs = _options.DeclaredOutputs },
        });
    }

    private void Cancel(StepCancelParams? parameters)
    {
        if (parameters?.StepId is { } stepId && _running.TryGetValue(stepId, out var source))
        {
            // Off the reader thread: what the step does on cancellation must not hold up the host's next message.
            _ = source.CancelAsync();
        }
    }

    private async Task<ShutdownParams> ShutdownAsync(ShutdownParams? parameters, CancellationToken cancellationToken)
    {
        BeginShutdown();

        // Answered once every step has been: the host reads the answer as "all done".
        await DrainAsync().ConfigureAwait(false);
        return new ShutdownParams();
    }

    private void BeginShutdown() => _shutdown.TrySetResult();

    private void WriteError(string text)
    {
        var bytes = Encoding.UTF8.GetBytes($"[{_options.Name}] {text}\n");
        lock (_errors)
        {
            _errors.Write(bytes);
        }
    }
}
