using System.Diagnostics;
using TalkingBinaries.Hosting.Processes;
using TalkingBinaries.Hosting.Wire;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

/// <summary>A running plugin that speaks protocol v1: start it, shake hands, run steps, stop it.</summary>
/// <remarks>
/// Thread-safe. The plugin runs in a process group of its own; stopping it always ends the whole group, so no
/// grandchild outlives it. stderr is relayed line by line through <see cref="HostServices.OnEvent"/> as it
/// arrives and is read to the end before <see cref="StopAsync"/> returns.
/// </remarks>
public sealed partial class PluginProcess : IAsyncDisposable
{
    private readonly ChildProcess _child;
    private readonly PluginCommand _command;
    private readonly HostingOptions _options;
    private readonly HostServices _services;
    private readonly PluginWire _wire;
    private readonly StderrRelay _stderrRelay;
    private readonly CancellationTokenSource _abandon = new();
    private readonly SemaphoreSlim _stopGate = new(1, 1);
    private ExitStatus? _finalStatus;

    private PluginProcess(ChildProcess child, PluginCommand command, HostingOptions options, HostServices services)
    {
        _child = child;
        _command = command;
        _options = options;
        _services = services;
        _wire = new PluginWire(child.StandardInput, child.StandardOutput, command.Name, child.Pid, services, options.ResumeOnReaderThread);
        _wire.Start();
        _stderrRelay = StderrRelay.Start(child, command.Name, services.Raise, _abandon.Token);
    }

    /// <summary>The plugin's process id, which is also its process group id.</summary>
    public int Pid => _child.Pid;

    /// <summary>Where on a Slurm cluster the plugin runs, once its relay has connected; null for a local plugin.</summary>
    public Slurm.SlurmPlacement? Placement => _child.Relay?.Placement;

    /// <summary>The plugin's display name.</summary>
    public string Name => _command.Name;

    /// <summary>The handshake's result, once <see cref="InitializeAsync(CancellationToken)"/> succeeded.</summary>
    public InitializeResult? Handshake { get; private set; }

    /// <summary>Completes when the process has exited (its output may still be draining).</summary>
    public Task<ExitStatus> Exited => _child.Exited;

    /// <summary>From just before the spawn to the exit: the binary execution time; null while it runs.</summary>
    public TimeSpan? BinaryTime => _child.HasExited && _child.ExitedTimestamp != 0
        ? Stopwatch.GetElapsedTime(_child.StartedTimestamp, _child.ExitedTimestamp)
        : null;

    /// <summary>Starts the plugin <paramref name="command"/> describes, with the host's cookie set.</summary>
    /// <param name="command">What to start.</param>
    /// <param name="options">How to behave; <see cref="HostingOptions.Default"/> when null.</param>
    /// <param name="services">What the host offers the plugin; <see cref="HostServices.None"/> when null.</param>
    /// <exception cref="PluginException">The executable could not be started (<see cref="PluginErrorKind.StartFailed"/>).</exception>
    /// <exception cref="PlatformNotSupportedException">Not on Linux.</exception>
    public static PluginProcess Start(PluginCommand command, HostingOptions? options = null, HostServices? services = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        return new PluginProcess(command.Launcher.Launch(command), command, options ?? HostingOptions.Default, services ?? HostServices.None);
    }

    /// <summary>Shakes hands: offers the versions this host speaks and learns the plugin's capabilities.</summary>
    /// <exception cref="PluginException">The plugin exited, answered wrongly, shares no version, or did not answer in time.</exception>
    public Task<InitializeResult> InitializeAsync(CancellationToken cancellationToken = default) =>
        InitializeAsync(ProtocolVersions.Supported, cancellationToken);

    /// <summary>Shakes hands offering <paramref name="versions"/>, which the conformance kit varies; the answer must pick one of them.</summary>
    internal async Task<InitializeResult> InitializeAsync(IReadOnlyList<int> versions, CancellationToken cancellationToken)
    {
        // The handshake's time starts when the plugin can hear it: a job waiting in a cluster's queue is not a plugin
        // that does not answer (docs/cluster.md).
        await _child.Reachable.WaitAsync(cancellationToken).ConfigureAwait(false);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.HandshakeTimeout);
        var supported = string.Join(", ", versions);
        InitializeResult? result;
        try
        {
            result = await _wire.InitializeAsync(_options.Host, versions, timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw Fail(PluginErrorKind.HandshakeFailed, $"did not answer the handshake within {_options.HandshakeTimeout.TotalSeconds:0.#} s; is it a Talking Binaries plugin?", null);
        }
        catch (JsonRpcClosedException)
        {
            var status = await WaitBrieflyForExitAsync().ConfigureAwait(false);
            throw Fail(PluginErrorKind.HandshakeFailed, $"{Describe(status)} during the handshake; is it a Talking Binaries plugin?", status);
        }
        catch (JsonRpcRemoteException exception) when (exception.Error.Code == JsonRpcErrorCodes.UnsupportedProtocolVersion)
        {
            throw Fail(PluginErrorKind.Incompatible, $"shares no protocol version with the host (the host speaks [{supported}]): {exception.Error.Message}", null, exception);
        }
        catch (JsonRpcRemoteException exception)
        {
            throw Fail(PluginErrorKind.Incompatible, $"rejected the handshake: {exception.Error.Message} (JSON-RPC error {exception.Error.Code})", null, exception);
        }
        catch (System.Text.Json.JsonException exception)
        {
            throw Fail(PluginErrorKind.Incompatible, $"answered the handshake with a result the host cannot read ({exception.Message}); see docs/protocol.md, \"initialize\"", null);
        }

        if (result is null || !versions.Contains(result.ProtocolVersion))
        {
            throw Fail(PluginErrorKind.Incompatible, $"chose protocol version {result?.ProtocolVersion.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "(none)"}, which the host did not offer (the host speaks [{supported}]); upgrade the host or the plugin", null);
        }

        Handshake = result;
        return result;
    }

    /// <summary>Runs one step and returns the plugin's result (which may report a failure).</summary>
    /// <remarks>
    /// Cancelling <paramref name="gracefulCancellationToken"/> sends <c>step/cancel</c> and waits up to
    /// <see cref="HostingOptions.CancelTimeout"/> for the plugin's answer (usually <c>cancelled</c>), which is returned;
    /// without an answer in time it throws <see cref="OperationCanceledException"/>. Cancelling
    /// <paramref name="forcefulCancellationToken"/> cuts that wait short. Stop the plugin afterwards either way.
    /// </remarks>
    /// <exception cref="PluginException">The plugin died, closed stdout, or broke the protocol before answering.</exception>
    public async Task<StepRunResult> RunStepAsync(StepRunParams step, CancellationToken gracefulCancellationToken = default, CancellationToken forcefulCancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(step);
        var request = _wire.RunStepAsync(step);
        try
        {
            StepRunResult? result;
            try
            {
                result = await request.WaitAsync(gracefulCancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (gracefulCancellationToken.IsCancellationRequested)
            {
                // Ask the plugin to stop the step and give it time to say so (docs/protocol.md, "step/cancel"). To a
                // plugin that stopped reading stdin, step/run may still be half written: then step/cancel waits for
                // its turn no longer than the answer is waited for.
                using var patience = CancellationTokenSource.CreateLinkedTokenSource(forcefulCancellationToken);
                patience.CancelAfter(_options.CancelTimeout);
                _ = _wire.CancelStepAsync(step.StepId, patience.Token);
                try
                {
                    result = await request.WaitAsync(_options.CancelTimeout, forcefulCancellationToken).ConfigureAwait(false);
                }
                catch (Exception exception) when (exception is TimeoutException || (exception is OperationCanceledException && forcefulCancellationToken.IsCancellationRequested))
                {
                    _ = request.ContinueWith(static task => _ = task.Exception, TaskScheduler.Default);
                    throw new OperationCanceledException(gracefulCancellationToken);
                }
            }

            if (result is null)
            {
                throw Fail(PluginErrorKind.ProtocolViolation, $"answered step '{step.Step}' with an empty result; see docs/protocol.md, \"step/run\"", null);
            }

            // What the plugin wrote to stderr before it answered belongs to this step: relay it before the step ends.
            await _stderrRelay.CatchUpAsync(_options.DrainTimeout).ConfigureAwait(false);
            return result;
        }
        catch (JsonRpcClosedException)
        {
            var status = await WaitBrieflyForExitAsync().ConfigureAwait(false);
            throw Fail(PluginErrorKind.Crashed, $"{Describe(status)} before answering step '{step.Step}'", status);
        }
        catch (JsonRpcLimitException exception)
        {
            throw Fail(PluginErrorKind.LimitExceeded, $"was not sent step '{step.Step}': {DescribeOverLimit(step, exception)}", null);
        }
        catch (JsonRpcRemoteException exception) when (exception.Error.Code == JsonRpcErrorCodes.LimitExceeded)
        {
            throw Fail(PluginErrorKind.LimitExceeded, $"could not answer step '{step.Step}' within the protocol's limits: {exception.Error.Message.TrimEnd('.')}; the step's outputs must be smaller (docs/protocol.md, \"Limits\")", null);
        }
        catch (JsonRpcRemoteException exception)
        {
            throw Fail(PluginErrorKind.ProtocolViolation, $"rejected step '{step.Step}': {exception.Error.Message} (JSON-RPC error {exception.Error.Code})", null);
        }
        catch (System.Text.Json.JsonException exception)
        {
            throw Fail(PluginErrorKind.ProtocolViolation, $"answered step '{step.Step}' with a result the host cannot read ({exception.Message}); see docs/protocol.md, \"step/run\"", null);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopWithGraceAsync(TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
        await _wire.DisposeAsync().ConfigureAwait(false);
        _child.Dispose();
        _abandon.Dispose();
        _stopGate.Dispose();
    }

    private PluginException Fail(PluginErrorKind kind, string what, ExitStatus? status, Exception? cause = null) => cause is null
        ? new(kind, $"plugin '{Name}' (pid {Pid}) {what}") { ExitStatus = status, Pid = Pid }
        : new(kind, $"plugin '{Name}' (pid {Pid}) {what}", cause) { ExitStatus = status, Pid = Pid };

    private static string Describe(ExitStatus? status) => status?.Describe() ?? "closed its stdout but is still running";

    private async Task<ExitStatus?> WaitBrieflyForExitAsync()
    {
        var exited = _child.Exited;
        var first = await Task.WhenAny(exited, Task.Delay(_options.DrainTimeout)).ConfigureAwait(false);
        return first == exited ? await exited.ConfigureAwait(false) : null;
    }

    private void Raise(PluginEvent pluginEvent) => _services.Raise(pluginEvent);
}
