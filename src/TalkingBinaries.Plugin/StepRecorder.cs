using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Plugin;

/// <summary>The host of a <see cref="StepHarness{TConfig}"/> step: keeps what the step sends, and answers what it asks from given values.</summary>
/// <remarks>Thread-safe: a handler may log from several threads.</remarks>
internal sealed class StepRecorder(IReadOnlyDictionary<string, JsonElement> variables, IReadOnlyDictionary<string, StepsGetResult> steps) : StepChannel
{
    private readonly Lock _lock = new();
    private readonly List<LogParams> _logs = [];
    private readonly List<ProgressParams> _progress = [];
    private readonly Dictionary<string, JsonElement> _set = new(StringComparer.Ordinal);
    private readonly Dictionary<string, JsonElement> _variables = new(variables, StringComparer.Ordinal);
    private readonly List<string> _secrets = [];
    private StepFailedException? _failure;

    public override void Notify<T>(string method, T parameters, JsonTypeInfo<T> typeInfo)
    {
        lock (_lock)
        {
            switch (parameters)
            {
                case LogParams log:
                    _logs.Add(log);
                    break;
                case ProgressParams progress:
                    _progress.Add(progress);
                    break;
                case VarsSetParams variable:
                    _set[variable.Name] = variable.Value.Clone();
                    _variables[variable.Name] = variable.Value.Clone();
                    if (variable.Secret && variable.Value.ValueKind == JsonValueKind.String)
                    {
                        _secrets.Add(variable.Value.GetString()!);
                    }

                    break;
                case SecretsAddParams secret:
                    _secrets.Add(secret.Value);
                    break;
            }
        }
    }

    public override Task<TResult?> RequestAsync<TParams, TResult>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
        where TResult : default
    {
        cancellationToken.ThrowIfCancellationRequested();
        object answer;
        lock (_lock)
        {
            answer = parameters switch
            {
                VarsGetParams get => _variables.TryGetValue(get.Name, out var value) ? new VarsGetResult { Defined = true, Value = value } : new VarsGetResult(),
                StepsGetParams step => steps.TryGetValue(step.Step, out var known) ? known : new StepsGetResult(),

                // As a host answers a question it does not know (docs/protocol.md, "Requests from the plugin").
                _ => throw new InvalidOperationException($"the host refused {method}: the test harness does not answer '{method}' (JSON-RPC error -32601)"),
            };
        }

        return Task.FromResult((TResult?)answer);
    }

    public override void OnStepFailed(StepFailedException exception) => _failure = exception;

    public StepHarnessResult Result(StepRunResult result)
    {
        lock (_lock)
        {
            return new StepHarnessResult
            {
                Result = result,
                Failure = _failure,
                Logs = [.. _logs],
                Progress = [.. _progress],
                VariablesSet = new Dictionary<string, JsonElement>(_set, StringComparer.Ordinal),
                Secrets = [.. _secrets],
            };
        }
    }
}
