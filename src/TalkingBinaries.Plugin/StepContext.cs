using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Plugin;

/// <summary>One step being run: its typed config, where it runs, and ways to log and to report outputs.</summary>
/// <remarks>Thread-safe: logs and outputs may come from any thread while the step runs.</remarks>
public sealed class StepContext<TConfig>
{
    private readonly StepChannel _server;
    private readonly Dictionary<string, JsonElement> _outputs = new(StringComparer.Ordinal);

    internal StepContext(StepChannel server, StepRunParams request, TConfig config, CancellationToken cancellationToken)
    {
        _server = server;
        Request = request;
        Config = config;
        CancellationToken = cancellationToken;
    }

    /// <summary>The step's config, read into the plugin's own type.</summary>
    public TConfig Config { get; }

    /// <summary>The step's name as written in the workflow.</summary>
    public string StepName => Request.Step;

    /// <summary>Identifies the step within the run.</summary>
    public string StepId => Request.StepId;

    /// <summary>Identifies the run.</summary>
    public string RunId => Request.RunId;

    /// <summary>Whether and with whom the step runs in parallel.</summary>
    public ParallelInfo Parallel => Request.Parallel;

    /// <summary>Variables the host made visible to the step.</summary>
    public IReadOnlyDictionary<string, JsonElement> Variables => Request.Variables;

    /// <summary>Signalled when the host asks the step to stop (<c>step/cancel</c>) or the host goes away.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The raw request, for what the typed members do not cover.</summary>
    public StepRunParams Request { get; }

    /// <summary>Logs a line at <paramref name="level"/> (one of <see cref="LogLevels"/>); the host shows it live.</summary>
    public void Log(string level, string message) => _server.Notify(ProtocolMethods.Log, new LogParams { Level = level, Message = message, StepId = StepId }, ProtocolJsonContext.Default.LogParams);

    /// <summary>Logs an informational line.</summary>
    public void LogInfo(string message) => Log(LogLevels.Info, message);

    /// <summary>Logs a warning.</summary>
    public void LogWarning(string message) => Log(LogLevels.Warn, message);

    /// <summary>Logs an error line (the step goes on until the handler returns or throws).</summary>
    public void LogError(string message) => Log(LogLevels.Error, message);

    /// <summary>Logs a line for whoever debugs the plugin.</summary>
    public void LogDebug(string message) => Log(LogLevels.Debug, message);

    /// <summary>Reports progress, with the fraction done (0 to 1) when known.</summary>
    public void ReportProgress(string? message, double? fraction = null) =>
        _server.Notify(ProtocolMethods.Progress, new ProgressParams { StepId = StepId, Message = message, Fraction = fraction }, ProtocolJsonContext.Default.ProgressParams);

    /// <summary>Sets a global variable now: steps that start later see it as <c>vars.NAME</c>.</summary>
    /// <remarks>Two steps running at the same time must not set the same variable; the host fails the run if they do.</remarks>
    public void SetVariable(string name, JsonElement value, bool secret = false)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        _server.Notify(ProtocolMethods.VarsSet, new VarsSetParams { Name = name, Value = value, StepId = StepId, Secret = secret }, ProtocolJsonContext.Default.VarsSetParams);
    }

    /// <summary>Sets a global text variable now.</summary>
    public void SetVariable(string name, string value, bool secret = false) =>
        SetVariable(name, JsonSerializer.SerializeToElement(value, ProtocolJsonContext.Default.String), secret);

    /// <summary>Reads a global variable as it is now (set by any step so far); null when it does not exist.</summary>
    public async Task<JsonElement?> GetVariableAsync(string name, CancellationToken cancellationToken = default)
    {
        var result = await _server.RequestAsync(ProtocolMethods.VarsGet, new VarsGetParams { Name = name, StepId = StepId }, ProtocolJsonContext.Default.VarsGetParams, ProtocolJsonContext.Default.VarsGetResult, cancellationToken).ConfigureAwait(false);
        return result is { Defined: true } ? result.Value : null;
    }

    /// <summary>Reads another step's status and outputs; <see cref="StepsGetResult.Finished"/> is false while it has not finished.</summary>
    public async Task<StepsGetResult> GetStepAsync(string step, CancellationToken cancellationToken = default) =>
        await _server.RequestAsync(ProtocolMethods.StepsGet, new StepsGetParams { Step = step, StepId = StepId }, ProtocolJsonContext.Default.StepsGetParams, ProtocolJsonContext.Default.StepsGetResult, cancellationToken).ConfigureAwait(false)
        ?? new StepsGetResult();

    /// <summary>Asks the host to mask <paramref name="value"/> as <c>***</c> in everything it shows from now on.</summary>
    public void AddSecret(string value)
    {
        ArgumentException.ThrowIfNullOrEmpty(value);
        _server.Notify(ProtocolMethods.SecretsAdd, new SecretsAddParams { Value = value, StepId = StepId }, ProtocolJsonContext.Default.SecretsAddParams);
    }

    /// <summary>Sets a text output.</summary>
    public void SetOutput(string name, string value) => SetOutput(name, JsonSerializer.SerializeToElement(value, ProtocolJsonContext.Default.String));

    /// <summary>Sets an output of any JSON value.</summary>
    public void SetOutput(string name, JsonElement value)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        lock (_outputs)
        {
            _outputs[name] = value.Clone();
        }
    }

    /// <summary>Sets an output of the plugin's own type, serialised through its source-generated metadata.</summary>
    public void SetOutput<T>(string name, T value, JsonTypeInfo<T> typeInfo) => SetOutput(name, JsonSerializer.SerializeToElement(value, typeInfo));

    internal Dictionary<string, JsonElement> SnapshotOutputs()
    {
        lock (_outputs)
        {
            return new Dictionary<string, JsonElement>(_outputs, StringComparer.Ordinal);
        }
    }
}
