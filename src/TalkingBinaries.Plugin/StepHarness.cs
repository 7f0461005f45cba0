using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Plugin;

/// <summary>Runs a plugin's step handler in-process, without a host or a process, and records what it did: for unit tests.</summary>
/// <remarks>
/// <para>The handler is the one given to <see cref="Plugin.RunAsync{TConfig}"/>, and it runs through the same code as in
/// the plugin: the config is read into its type (a config that does not fit fails the step with code
/// <c>invalid_config</c>), outputs set before a <see cref="StepFailedException"/> are kept, and a handler that stops on
/// its cancelled token answers <c>cancelled</c>. What it sends the host (logs, progress, variables, secrets) is recorded
/// in the <see cref="StepHarnessResult"/>; what it asks the host is answered from <see cref="Variables"/> and
/// <see cref="Steps"/>.</para>
/// <para>Any other exception the handler throws is not turned into a failed step (as the plugin does, with code
/// <c>unhandled_exception</c>): it propagates, so the test shows it with its stack trace.</para>
/// </remarks>
/// <example>
/// <code>
/// var harness = new StepHarness&lt;GreetConfig&gt;(GreetJson.Default.GreetConfig, Greet.RunAsync);
/// var result = await harness.RunAsync("""{"who": "Ada"}""");
/// Assert.Equal("Ada", result.Outputs["greeted"].GetString());
/// </code>
/// </example>
/// <typeparam name="TConfig">The plugin's config type.</typeparam>
public sealed class StepHarness<TConfig>
{
    private readonly JsonTypeInfo<TConfig> _configType;
    private readonly Func<StepContext<TConfig>, CancellationToken, Task> _handler;
    private int _runs;

    /// <summary>A harness for <paramref name="handler"/>, reading configs through <paramref name="configType"/>.</summary>
    public StepHarness(JsonTypeInfo<TConfig> configType, Func<StepContext<TConfig>, CancellationToken, Task> handler)
    {
        ArgumentNullException.ThrowIfNull(configType);
        ArgumentNullException.ThrowIfNull(handler);
        _configType = configType;
        _handler = handler;
    }

    /// <summary>The run's variables when a step starts: the step's <see cref="StepContext{TConfig}.Variables"/>, and what <c>GetVariableAsync</c> answers.</summary>
    /// <remarks>Variables a step sets are seen by its own later <c>GetVariableAsync</c> calls, as with a host, but are not added here.</remarks>
    public IDictionary<string, JsonElement> Variables { get; } = new Dictionary<string, JsonElement>(StringComparer.Ordinal);

    /// <summary>Other steps of the run, by name, as <c>GetStepAsync</c> answers them; a name not here is a step that has not finished.</summary>
    public IDictionary<string, StepsGetResult> Steps { get; } = new Dictionary<string, StepsGetResult>(StringComparer.Ordinal);

    /// <summary>The step's name (and id); <c>step</c> by default.</summary>
    public string StepName { get; init; } = "step";

    /// <summary>Where the step runs among others; alone by default.</summary>
    public ParallelInfo Parallel { get; init; } = new();

    /// <summary>Runs one step with <paramref name="configJson"/> (a JSON object) as its config.</summary>
    /// <param name="configJson">The step's config, as a host would send it.</param>
    /// <param name="cancellationToken">Cancelling it is what <c>step/cancel</c> does: the step's token fires.</param>
    public Task<StepHarnessResult> RunAsync(string configJson = "{}", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(configJson);
        return RunAsync(JsonElement.Parse(configJson), cancellationToken);
    }

    /// <summary>Runs one step with <paramref name="config"/> as its config.</summary>
    /// <param name="config">The step's config, a JSON object.</param>
    /// <param name="cancellationToken">Cancelling it is what <c>step/cancel</c> does: the step's token fires.</param>
    public async Task<StepHarnessResult> RunAsync(JsonElement config, CancellationToken cancellationToken = default)
    {
        var run = Interlocked.Increment(ref _runs);
        var request = new StepRunParams
        {
            RunId = $"harness-{run}",
            StepId = StepName,
            Step = StepName,
            Config = config,
            Parallel = Parallel,
            Variables = new Dictionary<string, JsonElement>(Variables, StringComparer.Ordinal),
        };
        var recorder = new StepRecorder(request.Variables, new Dictionary<string, StepsGetResult>(Steps, StringComparer.Ordinal));
        StepRunResult result;
        try
        {
            result = await Plugin.RunStepAsync(recorder, request, _configType, _handler, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = PluginServer.Cancelled();
        }
        catch (StepFailedException exception)
        {
            // A config that does not fit the plugin's type fails before the handler runs.
            recorder.OnStepFailed(exception);
            result = PluginServer.Failed(exception);
        }

        return recorder.Result(result);
    }
}
