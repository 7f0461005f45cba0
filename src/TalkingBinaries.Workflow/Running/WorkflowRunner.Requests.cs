using System.Text.Json;
using TalkingBinaries.Hosting.Connection;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Running;

public sealed partial class WorkflowRunner
{
    /// <summary>Answers what a plugin asks of the run while a step runs (docs/protocol.md, "vars/get", "steps/get").</summary>
    private Task<JsonElement> AnswerPluginAsync(string method, JsonElement? parameters, CancellationToken cancellationToken)
    {
        switch (method)
        {
            case ProtocolMethods.VarsGet when Read(parameters, ProtocolJsonContext.Default.VarsGetParams) is { } request:
                var defined = _variables.Snapshot().TryGetValue(request.Name, out var value);
                return Answer(new VarsGetResult { Defined = defined, Value = defined ? value : null }, ProtocolJsonContext.Default.VarsGetResult);
            case ProtocolMethods.StepsGet when Read(parameters, ProtocolJsonContext.Default.StepsGetParams) is { } request:
                var finished = _finished.TryGetValue(request.Step, out var report);
                return Answer(
                    new StepsGetResult
                    {
                        Finished = finished,
                        Status = finished ? JsonSerializer.SerializeToElement(report!.Status, ReportJsonContext.Default.StepStatus).GetString() : null,
                        Outputs = report?.Outputs ?? new Dictionary<string, JsonElement>(),
                    },
                    ProtocolJsonContext.Default.StepsGetResult);
            case ProtocolMethods.VarsGet or ProtocolMethods.StepsGet:
                throw new JsonRpcRemoteException(new JsonRpcError
                {
                    Code = JsonRpcErrorCodes.InvalidParams,
                    Message = $"'{method}' needs params {(method == ProtocolMethods.VarsGet ? "{\"name\": ...}" : "{\"step\": ...}")}; see docs/protocol.md",
                });
            default:
                throw new JsonRpcRemoteException(new JsonRpcError
                {
                    Code = JsonRpcErrorCodes.MethodNotFound,
                    Message = $"tb does not offer '{method}'; see docs/protocol.md",
                });
        }
    }

    private static T? Read<T>(JsonElement? parameters, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo)
        where T : class
    {
        try
        {
            return parameters is { ValueKind: JsonValueKind.Object } element ? element.Deserialize(typeInfo) : null;
        }
        catch (JsonException)
        {
            // Missing required members: answered as invalid params below.
            return null;
        }
    }

    private static Task<JsonElement> Answer<T>(T result, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo) =>
        Task.FromResult(JsonSerializer.SerializeToElement(result, typeInfo));
}
