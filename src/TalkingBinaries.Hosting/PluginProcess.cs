using System.Diagnostics;
using System.Text;
using TalkingBinaries.Hosting.Connection;
using TalkingBinaries.Hosting.Processes;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Framing;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

/// <summary>A running plugin that speaks protocol v1: start it, shake hands, run steps, stop it.</summary>
/// <remarks>
/// Thread-safe. The plugin runs in a process group of its own; stopping it always ends the whole group, so no
/// grandchild outlives it. stderr is relayed line by line through <see cref="PluginStartInfo.OnEvent"/> as it
/// arrives and is read to the end before <see cref="StopAsync"/> returns.
/// </remarks>
public sealed partial class PluginProcess : IAsyncDisposable
{
    private readonly ChildProcess _child;
    private readonly PluginStartInfo _info;
    private readonly PluginConnection _connection;
    private readonly StderrRelay _stderrRelay;
    private readonly CancellationTokenSource _abandon = new();
    private readonly SemaphoreSlim _stopGate = new(1, 1);
    private ExitStatus? _finalStatus;

    private PluginProcess(ChildProcess child, PluginStartInfo info)
    {
        _child = child;
        _info = info;
        _connection = new PluginConnection(child.StandardInput, child.StandardOutput, info.DisplayName, child.Pid, Raise, info.OnRequest, info.ResumeOnReaderThread);
        _connection.Start();
        _stderrRelay = StderrRelay.Start(child, info.DisplayName, Raise, _abandon.Token);
    }

    /// <summary>The plugin's process id, which is also its process group id.</summary>
    public int Pid => _child.Pid;

    /// <summary>The plugin's display name.</summary>
    public string Name => _info.DisplayName;

    /// <summary>The handshake's result, once <see cref="InitializeAsync"/> succeeded.</summary>
    public InitializeResult? Handshake { get; private set; }

    /// <summary>Completes when the process has exited (its output may still be draining).</summary>
    public Task<ExitStatus> Exited => _child.Exited;

    /// <summary>From just before the spawn to the exit: the binary execution time; null while it runs.</summary>
    public TimeSpan? BinaryTime => _child.HasExited && _child.ExitedTimestamp != 0
        ? Stopwatch.GetElapsedTime(_child.StartedTimestamp, _child.ExitedTimestamp)
        : null;

    /// <summary>Starts the plugin with the host's cookie set.</summary>
    /// <exception cref="PluginException">The executable could not be started.</exception>
    public static PluginProcess Start(PluginStartInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        return new PluginProcess(PluginLaunch.Start(info), info);
    }

    /// <summary>Shakes hands: offers the versions this host speaks and learns the plugin's capabilities.</summary>
    /// <exception cref="PluginException">The plugin exited, answered wrongly, shares no version, or did not answer in time.</exception>
    public async Task<InitializeResult> InitializeAsync(PeerInfo host, CancellationToken cancellationToken = default)
    {
        var parameters = new InitializeParams { ProtocolVersions = ProtocolVersions.Supported, Host = host, Capabilities = new HostCapabilities() };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_info.HandshakeTimeout);
        InitializeResult? result;
        try
        {
            result = await _connection.RequestAsync(
                ProtocolMethods.Initialize,
                parameters,
                ProtocolJsonContext.Default.InitializeParams,
                ProtocolJsonContext.Default.InitializeResult,
                timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail($"did not answer the handshake within {_info.HandshakeTimeout.TotalSeconds:0.#} s; is it a Talking Binaries plugin? A plugin in the prototype's format needs `protocol: seed`", null);
        }
        catch (ConnectionClosedException)
        {
            var status = await WaitBrieflyForExitAsync().ConfigureAwait(false);
            throw Fail($"{Describe(status)} during the handshake; is it a Talking Binaries plugin? A plugin in the prototype's format needs `protocol: seed`", status);
        }
        catch (JsonRpcRemoteException exception) when (exception.Error.Code == JsonRpcErrorCodes.UnsupportedProtocolVersion)
        {
            throw Fail($"shares no protocol version with the host (the host speaks [{string.Join(", ", ProtocolVersions.Supported)}]): {exception.Error.Message}", null);
        }
        catch (JsonRpcRemoteException exception)
        {
            throw Fail($"rejected the handshake: {exception.Error.Message} (JSON-RPC error {exception.Error.Code})", null);
        }
        catch (System.Text.Json.JsonException exception)
        {
            throw Fail($"answered the handshake with a result the host cannot read ({exception.Message}); see docs/protocol.md, \"initialize\"", null);
        }

        if (result is null || !ProtocolVersions.Supported.Contains(result.ProtocolVersion))
        {
            throw Fail($"chose protocol version {result?.ProtocolVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}, which the host did not offer (the host speaks [{string.Join(", ", ProtocolVersions.Supported)}]); upgrade the host or the plugin", null);
        }

        Handshake = result;
        return result;
    }

    /// <summary>Runs one step and returns the plugin's result (which may report a failure).</summary>
    /// <remarks>
    /// Cancelling sends <c>step/cancel</c> and waits up to <see cref="PluginStartInfo.CancelTimeout"/> for the plugin's
    /// answer (usually <c>cancelled</c>), which is returned; without an answer in time it throws
    /// <see cref="OperationCanceledException"/>; cancelling <paramref name="force"/> cuts that wait short.
    /// Stop the plugin afterwards either way.
    /// </remarks>
    /// <exception cref="PluginException">The plugin died, closed stdout, or broke the protocol before answering.</exception>
    public async Task<StepRunResult> RunStepAsync(StepRunParams step, CancellationToken cancellationToken = default, CancellationToken force = default)
    {
        ArgumentNullException.ThrowIfNull(step);

        // The request itself is never abandoned: a late answer still finds it, rather than an unknown id.
        var request = _connection.RequestAsync(
            ProtocolMethods.StepRun,
            step,
            ProtocolJsonContext.Default.StepRunParams,
            ProtocolJsonContext.Default.StepRunResult,
            CancellationToken.None);
        try
        {
            StepRunResult? result;
            try
            {
                result = await request.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ask the plugin to stop the step and give it time to say so (docs/protocol.md, "step/cancel").
                await _connection.NotifyAsync(ProtocolMethods.StepCancel, new StepCancelParams(step.StepId), ProtocolJsonContext.Default.StepCancelParams, CancellationToken.None).ConfigureAwait(false);
                try
                {
                    result = await request.WaitAsync(_info.CancelTimeout, force).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is TimeoutException || (exception is OperationCanceledException && force.IsCancellationRequested))
                {
                    _ = request.ContinueWith(static task => _ = task.Exception, TaskScheduler.Default);
                    throw new OperationCanceledException(cancellationToken);
                }
            }

            if (result is null)
            {
                throw Fail($"answered step '{step.Step}' with an empty result; see docs/protocol.md, \"step/run\"", null);
            }

            // What the plugin wrote to stderr before it answered belongs to this step: relay it before the step ends.
            await _stderrRelay.CatchUpAsync(_info.DrainTimeout).ConfigureAwait(false);
            return result;
        }
        catch (ConnectionClosedException)
        {
            var status = await WaitBrieflyForExitAsync().ConfigureAwait(false);
            throw Fail($"{Describe(status)} before answering step '{step.Step}'", status);
        }
        catch (JsonRpcRemoteException exception)
        {
            throw Fail($"rejected step '{step.Step}': {exception.Error.Message} (JSON-RPC error {exception.Error.Code})", null);
        }
        catch (System.Text.Json.JsonException exception)
        {
            throw Fail($"answered step '{step.Step}' with a result the host cannot read ({exception.Message}); see docs/protocol.md, \"step/run\"", null);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(new StopOptions(TimeSpan.Zero)).ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
        _child.Dispose();
        _abandon.Dispose();
        _stopGate.Dispose();
    }

    private PluginException Fail(string what, ExitStatus? status) =>
        new($"plugin '{Name}' (pid {Pid}) {what}") { ExitStatus = status, Pid = Pid };

    private static string Describe(ExitStatus? status) => status switch
    {
        null => "closed its stdout but is still running",
        { Signal: not null } => $"was {status}",
        _ => $"exited with {status}",
    };

    private async Task<ExitStatus?> WaitBrieflyForExitAsync()
    {
        var exited = _child.Exited;
        var first = await Task.WhenAny(exited, Task.Delay(_info.DrainTimeout)).ConfigureAwait(false);
        return first == exited ? await exited.ConfigureAwait(false) : null;
    }

    private void Raise(PluginEvent pluginEvent) => _info.Raise(pluginEvent);
}
