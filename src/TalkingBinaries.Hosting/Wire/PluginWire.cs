using System.Text.Json;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting.Wire;

/// <summary>The host's end of the protocol with one plugin: typed calls become messages, and messages become events and host services.</summary>
/// <remarks>
/// The only place in Hosting that knows method names. A stdout line that is not a protocol message becomes a warning
/// event, never an error. Thread-safe, like the <see cref="JsonRpcPeer"/> under it.
/// </remarks>
internal sealed class PluginWire : IAsyncDisposable
{
    private readonly JsonRpcPeer _peer;
    private readonly HostServices _services;
    private readonly string _plugin;
    private readonly int _pid;

    public PluginWire(Stream toPlugin, Stream fromPlugin, string plugin, int pid, HostServices services, bool resumeOnReaderThread)
    {
        _services = services;
        _plugin = plugin;
        _pid = pid;
        _peer = new JsonRpcPeer(fromPlugin, toPlugin, new JsonRpcPeerOptions
        {
            Name = $"stdout {pid}",
            ResumeOnReaderThread = resumeOnReaderThread,
            DescribeUnknownMethod = method => $"this host does not offer '{method}'; see docs/protocol.md",
            OnProblem = Problem,
        });
        _peer.HandleNotification(ProtocolMethods.Log, ProtocolJsonContext.Default.LogParams, Log);
        _peer.HandleNotification(ProtocolMethods.Progress, ProtocolJsonContext.Default.ProgressParams, progress =>
        {
            if (progress is not null)
            {
                Raise(new PluginProgressEvent(_plugin, _pid, progress.StepId, DateTimeOffset.UtcNow, progress.Message, progress.Fraction));
            }
        });
        _peer.HandleNotification(ProtocolMethods.VarsSet, ProtocolJsonContext.Default.VarsSetParams, variable =>
        {
            if (variable is not null)
            {
                Raise(new PluginVariableEvent(_plugin, _pid, variable.StepId, DateTimeOffset.UtcNow, variable.Name, variable.Value, variable.Secret));
            }
        });
        _peer.HandleNotification(ProtocolMethods.SecretsAdd, ProtocolJsonContext.Default.SecretsAddParams, secret =>
        {
            if (secret is not null)
            {
                Raise(new PluginSecretEvent(_plugin, _pid, secret.StepId, DateTimeOffset.UtcNow, secret.Value));
            }
        });
        _peer.HandleRequest(
            ProtocolMethods.VarsGet,
            ProtocolJsonContext.Default.VarsGetParams,
            ProtocolJsonContext.Default.VarsGetResult,
            (request, cancellationToken) => AskAsync(ProtocolMethods.VarsGet, async () =>
            {
                var value = await _services.GetVariableAsync(request!.Name, request.StepId, cancellationToken).ConfigureAwait(false);
                return new VarsGetResult { Defined = value is not null, Value = value };
            }),
            "'vars/get' needs params {\"name\": ...}; see docs/protocol.md");
        _peer.HandleRequest(
            ProtocolMethods.StepsGet,
            ProtocolJsonContext.Default.StepsGetParams,
            ProtocolJsonContext.Default.StepsGetResult,
            (request, cancellationToken) => AskAsync(ProtocolMethods.StepsGet, () => _services.GetStepAsync(request!.Step, request.StepId, cancellationToken)),
            "'steps/get' needs params {\"step\": ...}; see docs/protocol.md");
    }

    /// <summary>Completes when the plugin has closed stdout and every line before that was handled.</summary>
    public Task Completion => _peer.Completion;

    /// <summary>Starts reading the plugin's stdout, on a thread of its own.</summary>
    public void Start() => _peer.Start();

    /// <summary>A method no plugin knows, for the conformance kit's "unknown-method" scenario: the answer must be -32601.</summary>
    public const string UnknownMethod = "tb/conformance-unknown-method";

    /// <summary>Sends <c>initialize</c>, offering <paramref name="versions"/> (the conformance kit offers lists the host does not speak).</summary>
    public Task<InitializeResult?> InitializeAsync(PeerInfo host, IReadOnlyList<int> versions, CancellationToken cancellationToken) => _peer.RequestAsync(
        ProtocolMethods.Initialize,
        new InitializeParams { ProtocolVersions = versions, Host = host, Capabilities = new HostCapabilities() },
        ProtocolJsonContext.Default.InitializeParams,
        ProtocolJsonContext.Default.InitializeResult,
        cancellationToken);

    /// <summary>Sends <c>step/run</c>; the request is never abandoned, so a late answer still finds it rather than an unknown id.</summary>
    public Task<StepRunResult?> RunStepAsync(StepRunParams step) => _peer.RequestAsync(
        ProtocolMethods.StepRun,
        step,
        ProtocolJsonContext.Default.StepRunParams,
        ProtocolJsonContext.Default.StepRunResult,
        CancellationToken.None);

    /// <summary>Sends <c>step/cancel</c>; false when the plugin's stdin is already closed, or another write held it until <paramref name="cancellationToken"/> fired.</summary>
    public Task<bool> CancelStepAsync(string stepId, CancellationToken cancellationToken) =>
        _peer.NotifyAsync(ProtocolMethods.StepCancel, new StepCancelParams(stepId), ProtocolJsonContext.Default.StepCancelParams, cancellationToken);

    /// <summary>Sends <c>shutdown</c> as a notification: the host does not wait for its answer, it waits for the exit.</summary>
    public Task<bool> ShutdownAsync() =>
        _peer.NotifyAsync(ProtocolMethods.Shutdown, new ShutdownParams(), ProtocolJsonContext.Default.ShutdownParams);

    /// <summary>Sends a request whose method no plugin knows, with empty params; the plugin must answer with error -32601.</summary>
    public Task<ShutdownParams?> RequestUnknownMethodAsync(CancellationToken cancellationToken) => _peer.RequestAsync(
        UnknownMethod,
        new ShutdownParams(),
        ProtocolJsonContext.Default.ShutdownParams,
        ProtocolJsonContext.Default.ShutdownParams,
        cancellationToken);

    /// <summary>Closes the plugin's stdin: a plugin reads end of stream as "finish and exit".</summary>
    public Task CloseInputAsync() => _peer.CloseOutputAsync();

    /// <summary>Stops reading, even if the plugin's stdout is still open (a grandchild may hold it).</summary>
    public Task AbandonAsync() => _peer.AbandonAsync();

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _peer.DisposeAsync();

    /// <summary>Asks the host services on the thread pool, so a slow answer never holds up the plugin's other messages.</summary>
    private static Task<T> AskAsync<T>(string method, Func<Task<T>> ask) => Task.Run(async () =>
    {
        try
        {
            return await ask().ConfigureAwait(false);
        }
        catch (NotSupportedException)
        {
            throw new JsonRpcRemoteException(JsonRpcErrorCodes.MethodNotFound, $"this host does not offer '{method}'; see docs/protocol.md");
        }
    });

    private void Log(LogParams? log)
    {
        if (log is null)
        {
            return;
        }

        foreach (var text in log.Message.Split('\n'))
        {
            Raise(new PluginLogEvent(_plugin, _pid, log.StepId, DateTimeOffset.UtcNow, PluginLogSource.Protocol, log.Level, text.TrimEnd('\r')));
        }
    }

    private void Problem(JsonRpcProblem problem)
    {
        var (source, text) = problem.Kind switch
        {
            // The raw line, so nothing the plugin wrote is lost; the observer marks it as not protocol.
            JsonRpcProblemKind.UnreadableLine => (PluginLogSource.StrayStdout, problem.Text ?? string.Empty),
            JsonRpcProblemKind.OversizedLine => (PluginLogSource.Host, $"dropped a stdout line of {problem.Bytes} bytes, over the protocol's limit of {ProtocolLimits.MaxMessageBytes} bytes"),
            JsonRpcProblemKind.ErrorWithoutId => (PluginLogSource.Host, $"the plugin could not read a message from the host: {problem.Error?.Message} (JSON-RPC error {problem.Error?.Code})"),
            _ => (PluginLogSource.Host, problem.Description),
        };
        Raise(new PluginLogEvent(_plugin, _pid, null, DateTimeOffset.UtcNow, source, LogLevels.Warn, text));
    }

    private void Raise(PluginEvent pluginEvent) => _services.Raise(pluginEvent);
}
