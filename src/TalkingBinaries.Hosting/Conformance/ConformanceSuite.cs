using System.Diagnostics;

namespace TalkingBinaries.Hosting.Conformance;

/// <summary>Black-box checks that a plugin executable, in any language, keeps the protocol (docs/protocol.md, "Checking a plugin").</summary>
/// <remarks>
/// Each scenario starts processes of its own and ends them before the next starts: no process the suite starts, nor any
/// it leaves behind, outlives <see cref="RunAsync(PluginCommand, ConformanceOptions?, Action{ConformanceResult}?, CancellationToken)"/>.
/// Each wait is bounded by <see cref="ConformanceOptions.Timeout"/>, so a plugin that hangs fails a scenario and never
/// holds the suite up. Linux only, as <see cref="PluginProcess"/> is.
/// </remarks>
public static class ConformanceSuite
{
    private static readonly ConformanceScenario[] All =
    [
        new HandshakeScenario(),
        new VersionNegotiationScenario(),
        new CookieScenario(),
        new StepScenario(),
        new StdoutScenario(),
        new StderrScenario(),
        new ConcurrencyScenario(),
        new CancelScenario(),
        ExitScenario.OnShutdown,
        ExitScenario.AtEndOfStdin,
        new LargeLineScenario(),
        new UnknownMethodScenario(),
        new NoProcessLeftScenario(),
    ];

    /// <summary>The scenarios' names, in the order they run.</summary>
    public static IReadOnlyList<string> Scenarios { get; } = [.. All.Select(scenario => scenario.Name)];

    /// <summary>Checks the plugin at <paramref name="executablePath"/>, started as a host starts it.</summary>
    /// <inheritdoc cref="RunAsync(PluginCommand, ConformanceOptions?, Action{ConformanceResult}?, CancellationToken)"/>
    public static Task<IReadOnlyList<ConformanceResult>> RunAsync(
        string executablePath,
        ConformanceOptions? options = null,
        Action<ConformanceResult>? onResult = null,
        CancellationToken cancellationToken = default) =>
        RunAsync(new PluginCommand { ExecutablePath = executablePath, Name = Path.GetFileName(executablePath) }, options, onResult, cancellationToken);

    /// <summary>Runs every scenario against the plugin <paramref name="command"/> starts, one after another, and returns their results in order.</summary>
    /// <param name="command">What to start; the suite adds the cookie (left out only by the "cookie" scenario) and a marker variable.</param>
    /// <param name="options">What steps get and how long to wait; <see cref="ConformanceOptions.Default"/> when null.</param>
    /// <param name="onResult">Called with each result as its scenario ends, before the next starts.</param>
    /// <param name="cancellationToken">Stops the check: the running scenario's processes are stopped, then it throws <see cref="OperationCanceledException"/>.</param>
    public static async Task<IReadOnlyList<ConformanceResult>> RunAsync(
        PluginCommand command,
        ConformanceOptions? options = null,
        Action<ConformanceResult>? onResult = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        options ??= ConformanceOptions.Default;
        var results = new List<ConformanceResult>(All.Length);
        foreach (var scenario in All)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var started = Stopwatch.GetTimestamp();
            ConformanceResult result;
            try
            {
                result = await scenario.RunAsync(command, options, cancellationToken).ConfigureAwait(false);
            }
            catch (PluginException exception)
            {
                // Mostly a plugin that cannot be started at all.
                result = new ConformanceResult(scenario.Name, ConformanceOutcome.Failed, exception.Message);
            }

            result = result with { Elapsed = Stopwatch.GetElapsedTime(started) };
            results.Add(result);
            onResult?.Invoke(result);
        }

        return results;
    }
}
