using System.Globalization;
using System.Text.Json;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

/// <summary>Saying which part of a step made its <c>step/run</c> too large or too deep to send (docs/protocol.md, "Limits").</summary>
public sealed partial class PluginProcess
{
    private static string DescribeOverLimit(StepRunParams step, JsonRpcLimitException exception)
    {
        // Only on this error path are the parts measured; the largest or deepest is most likely the culprit.
        var parts = step.Variables.Select(pair => (Name: $"variable '{pair.Key}'", Value: pair.Value)).Prepend((Name: "its config", Value: step.Config));
        if (exception.TooDeep)
        {
            var (name, depth) = parts.Select(part => (part.Name, Depth: Depth(part.Value))).MaxBy(part => part.Depth);
            return $"its step/run message would nest deeper than the protocol's limit of {exception.Limit} levels ({name} is {depth} levels deep, and the message around a variable takes 3); flatten it (docs/protocol.md, \"Limits\")";
        }

        var (largest, bytes) = parts.Select(part => (part.Name, Bytes: Bytes(part.Value))).MaxBy(part => part.Bytes);
        return $"its step/run message would be over the protocol's limit of {exception.Limit.ToString(CultureInfo.InvariantCulture)} bytes ({largest} alone is {bytes.ToString(CultureInfo.InvariantCulture)} bytes); make it smaller (docs/protocol.md, \"Limits\")";
    }

    private static long Bytes(JsonElement value) => value.ValueKind == JsonValueKind.Undefined ? 0 : System.Text.Encoding.UTF8.GetByteCount(value.GetRawText());

    private static int Depth(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => 1 + value.EnumerateObject().Select(member => Depth(member.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + value.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };
}
