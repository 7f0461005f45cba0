using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using TalkingBinaries.Hosting.Wire;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting.Conformance;

// Requests and their answers (docs/protocol.md, "step/run", "step/cancel", "Limits", "Error codes").

/// <summary>One step with the suite's config gets an answer with a status the protocol knows.</summary>
internal sealed class StepScenario : HandshakeFirstScenario
{
    public override string Name => "step";

    protected override async Task<ConformanceResult> RunAsync(ConformanceSession session, ConformanceOptions options, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var (result, failure) = await session.AnswerAsync(session.Step(), cancellationToken).ConfigureAwait(false);
        if (result is null)
        {
            return Fail(failure!);
        }

        var took = ConformanceSession.Milliseconds(Stopwatch.GetElapsedTime(started));
        return result.Status switch
        {
            StepResultStatus.Succeeded => Pass($"answered 'succeeded' in {took}{Outputs(result)}"),

            // The step's own failure is an answer: the config may simply not suit the plugin.
            StepResultStatus.Failed => Pass($"answered 'failed' in {took}: {Quote(result.Error?.Message ?? "(no error.message)")}{(result.Error?.Code is { } code ? $" [{code}]" : string.Empty)}; pass --config to run a step that succeeds"),
            StepResultStatus.Cancelled => Fail("answered 'cancelled' though nothing cancelled the step; send it only in answer to step/cancel"),
            _ => Fail($"answered status '{result.Status}', which is none of succeeded, failed and cancelled"),
        };
    }

    private static string Outputs(StepRunResult result) =>
        result.Outputs.Count == 0 ? " (no outputs)" : $" (outputs: {string.Join(", ", result.Outputs.Keys)})";
}

/// <summary>A warm plugin answers as many steps at once as it declares (capped by the suite); a one-step-at-a-time plugin skips it.</summary>
internal sealed class ConcurrencyScenario : HandshakeFirstScenario
{
    public override string Name => "concurrency";

    protected override async Task<ConformanceResult> RunAsync(ConformanceSession session, ConformanceOptions options, CancellationToken cancellationToken)
    {
        var capabilities = session.Handshake!.Capabilities ?? new PluginCapabilities();
        if (!capabilities.Warm)
        {
            return Skip("one-shot (warm: false): the host sends it one step per process");
        }

        if (capabilities.MaxConcurrency <= 1)
        {
            return Skip("declares maxConcurrency 1: the host sends it one step at a time");
        }

        var count = Math.Min(capabilities.MaxConcurrency, Math.Max(2, options.MaxConcurrentSteps));
        var started = Stopwatch.GetTimestamp();
        var answers = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => session.AnswerAsync(session.Step(), cancellationToken))).ConfigureAwait(false);
        var missing = answers.Where(answer => answer.Result is null).ToList();
        var took = ConformanceSession.Milliseconds(Stopwatch.GetElapsedTime(started));
        var declared = count < capabilities.MaxConcurrency ? $" (it declares {capabilities.MaxConcurrency}; the check runs at most {count})" : string.Empty;
        return missing.Count == 0
            ? Pass($"{count} steps at once{declared}, all answered within {took}")
            : Fail($"{missing.Count} of {count} steps sent at once{declared} got no answer; the first: {missing[0].Problem}");
    }
}

/// <summary>A step made to last by the slow config answers <c>cancelled</c> soon after <c>step/cancel</c>; a warm plugin then serves the next step.</summary>
internal sealed class CancelScenario : ConformanceScenario
{
    public override string Name => "cancel";

    public override async Task<ConformanceResult> RunAsync(PluginCommand command, ConformanceOptions options, CancellationToken cancellationToken)
    {
        if (options.SlowConfig is not { } slow)
        {
            return Skip("needs a config that makes a step last (tb plugin check --slow-config JSON, ConformanceOptions.SlowConfig); none was given");
        }

        await using var session = Start(command, options);
        if (await session.HandshakeAsync(cancellationToken).ConfigureAwait(false) is { } problem)
        {
            return Fail(problem);
        }

        var capabilities = session.Handshake!.Capabilities ?? new PluginCapabilities();
        if (!capabilities.Cancel)
        {
            return Skip("declares cancel: false: it finishes a step rather than stop it early");
        }

        using var cancel = new CancellationTokenSource();
        var started = Stopwatch.GetTimestamp();
        var request = session.Process.RunStepAsync(session.Step(slow), cancel.Token);
        if (await Task.WhenAny(request, Task.Delay(options.CancelAfter, cancellationToken)).ConfigureAwait(false) == request)
        {
            var early = request.IsCompletedSuccessfully ? $"answered '{request.Result.Status}'" : $"failed ({request.Exception?.InnerException?.Message})";
            return Fail($"the step with the slow config {early} after {ConformanceSession.Milliseconds(Stopwatch.GetElapsedTime(started))}, before step/cancel was due at {ConformanceSession.Milliseconds(options.CancelAfter)}; give a config that makes a step last longer");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var cancelled = Stopwatch.GetTimestamp();
        await cancel.CancelAsync().ConfigureAwait(false);
        StepRunResult result;
        try
        {
            // RunStepAsync waits up to the timeout (HostingOptions.CancelTimeout) for the answer to step/cancel.
            result = await request.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail($"no answer within {ConformanceSession.Seconds(options.Timeout)} of step/cancel; a plugin that declares cancel: true stops the step and answers 'cancelled'");
        }
        catch (PluginException exception)
        {
            return Fail($"after step/cancel: {exception.Message}");
        }

        var took = ConformanceSession.Milliseconds(Stopwatch.GetElapsedTime(cancelled));
        if (result.Status != StepResultStatus.Cancelled)
        {
            return Fail($"answered '{result.Status}' {took} after step/cancel; a cancelled step answers 'cancelled'");
        }

        if (!capabilities.Warm)
        {
            return Pass($"answered 'cancelled' {took} after step/cancel");
        }

        // A warm plugin cancels one step and carries on (docs/protocol.md, "step/cancel").
        var (next, failure) = await session.AnswerAsync(session.Step(), cancellationToken).ConfigureAwait(false);
        return next is null
            ? Fail($"answered 'cancelled' {took} after step/cancel, then did not serve the next step: {failure}; a warm plugin cancels one step and carries on")
            : Pass($"answered 'cancelled' {took} after step/cancel, then served the next step");
    }
}

/// <summary>A <c>step/run</c> line far over 64 KiB (a 200 KiB variable) is read and answered.</summary>
internal sealed class LargeLineScenario : HandshakeFirstScenario
{
    private const string Variable = "tb_conformance_padding";

    /// <summary>Over three times 64 KiB, the line size at which readers with a fixed buffer tend to break.</summary>
    private const int PaddingBytes = 200 * 1024;

    public override string Name => "large-line";

    protected override async Task<ConformanceResult> RunAsync(ConformanceSession session, ConformanceOptions options, CancellationToken cancellationToken)
    {
        // In a variable, not the config: every plugin must read variables it does not use, and a strict config type stays happy.
        var padding = JsonSerializer.SerializeToElement(new string('x', PaddingBytes), ProtocolJsonContext.Default.String);
        var step = session.Step(variables: new Dictionary<string, JsonElement> { [Variable] = padding });
        var bytes = JsonSerializer.SerializeToUtf8Bytes(step, ProtocolJsonContext.Default.StepRunParams).Length;
        var size = $"a step/run line of over {bytes.ToString("N0", CultureInfo.InvariantCulture)} bytes (variable '{Variable}' is {PaddingBytes / 1024} KiB)";
        var (result, failure) = await session.AnswerAsync(step, cancellationToken).ConfigureAwait(false);
        return result is null
            ? Fail($"sent {size}: {failure}; a plugin must read lines up to {ProtocolLimits.MaxMessageBytes / 1024 / 1024} MiB")
            : Pass($"answered '{result.Status}' to {size}");
    }
}

/// <summary>A request for a method the plugin does not know is answered with error -32601.</summary>
internal sealed class UnknownMethodScenario : HandshakeFirstScenario
{
    public override string Name => "unknown-method";

    protected override async Task<ConformanceResult> RunAsync(ConformanceSession session, ConformanceOptions options, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(options.Timeout);
        JsonRpcError? error;
        try
        {
            error = await session.Process.RequestUnknownMethodAsync(deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return Fail($"no answer within {ConformanceSession.Seconds(options.Timeout)} to a request for '{PluginWire.UnknownMethod}'; a request a plugin does not know gets error -32601");
        }
        catch (JsonRpcClosedException)
        {
            var status = session.Process.Exited.IsCompleted ? session.Process.Exited.Result.Describe() : "closed its stdout";
            return Fail($"{status} instead of answering a request for '{PluginWire.UnknownMethod}' with error -32601");
        }

        return error switch
        {
            null => Fail($"answered a request for '{PluginWire.UnknownMethod}' with a result; it should answer error -32601 (method not found)"),
            { Code: JsonRpcErrorCodes.MethodNotFound } => Pass($"answered error -32601 {Quote(error.Message)}"),
            _ => Fail($"answered error {error.Code} {Quote(error.Message)}; a method it does not know is error -32601 (method not found)"),
        };
    }
}
