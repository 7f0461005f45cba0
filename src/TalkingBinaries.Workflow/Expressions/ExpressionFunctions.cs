using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>The built-in functions: <c>default</c>, <c>contains</c>, <c>startsWith</c>, <c>endsWith</c>, <c>toJson</c>, <c>fromJson</c> and the status functions.</summary>
internal static class ExpressionFunctions
{
    public static IReadOnlyDictionary<string, ExpressionFunction> All { get; } = new ExpressionFunction[]
    {
        new("default", ["value", "fallback"], Default),
        new("contains", ["haystack", "needle"], Contains),
        new("startsWith", ["text", "prefix"], (call, scope) => Affix(call, scope, (text, prefix) => text.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))),
        new("endsWith", ["text", "suffix"], (call, scope) => Affix(call, scope, (text, suffix) => text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))),
        new("toJson", ["value"], ToJson),
        new("fromJson", ["text"], FromJson),
        new("success", [], (_, scope) => JsonValues.FromBoolean(!scope.Context.Status.AnyFailed && !scope.Context.Status.Cancelled)),
        new("failure", [], (_, scope) => JsonValues.FromBoolean(scope.Context.Status.AnyFailed)),
        new("always", [], (_, _) => JsonValues.True),
        new("cancelled", [], (_, scope) => JsonValues.FromBoolean(scope.Context.Status.Cancelled)),
    }.ToDictionary(function => function.Name, StringComparer.Ordinal);

    /// <summary>"always, cancelled, contains, ...", for the message about an unknown function.</summary>
    public static string Names { get; } = string.Join(", ", All.Keys.Order(StringComparer.Ordinal));

    // The first argument is evaluated leniently: a path that is not there is as good as null.
    private static JsonElement Default(CallExpression call, EvaluationScope scope)
    {
        var value = call.Arguments[0].Evaluate(scope.AsLenient());
        return value.ValueKind is JsonValueKind.Undefined or JsonValueKind.Null ? call.Arguments[1].Evaluate(scope) : value;
    }

    private static JsonElement Contains(CallExpression call, EvaluationScope scope)
    {
        var haystack = call.Arguments[0].Evaluate(scope);
        var needle = call.Arguments[1].Evaluate(scope);
        return haystack.ValueKind switch
        {
            JsonValueKind.String => JsonValues.FromBoolean(
                haystack.GetString()!.Contains(Text(call, 1, needle), StringComparison.OrdinalIgnoreCase)),
            JsonValueKind.Array => JsonValues.FromBoolean(haystack.EnumerateArray().Any(item => JsonValues.AreEqual(item, needle))),
            // Nothing contains anything, so an optional list left out reads as empty.
            JsonValueKind.Null or JsonValueKind.Undefined => JsonValues.False,
            _ => throw call.Arguments[0].Error(
                $"contains() searches a string or an array, but its first argument is {JsonValues.Describe(haystack)}"),
        };
    }

    private static JsonElement Affix(CallExpression call, EvaluationScope scope, Func<string, string, bool> test)
    {
        var text = Text(call, 0, call.Arguments[0].Evaluate(scope));
        var affix = Text(call, 1, call.Arguments[1].Evaluate(scope));
        return JsonValues.FromBoolean(test(text, affix));
    }

    private static JsonElement ToJson(CallExpression call, EvaluationScope scope)
    {
        var json = JsonValues.ToJson(call.Arguments[0].Evaluate(scope));
        return json.Length > Template.MaxResultLength ? throw call.Error($"toJson() made text that {Template.TooLong}") : JsonValues.FromString(json);
    }

    private static JsonElement FromJson(CallExpression call, EvaluationScope scope)
    {
        var argument = call.Arguments[0];
        var text = argument.Evaluate(scope);
        if (text.ValueKind != JsonValueKind.String)
        {
            throw argument.Error($"fromJson() parses a string of JSON text, but its argument is {JsonValues.Describe(text)}");
        }

        try
        {
            return JsonValues.Parse(text.GetString()!);
        }
        catch (JsonException exception)
        {
            var reason = exception.Message;
            var cut = reason.IndexOf(" LineNumber:", StringComparison.Ordinal);
            reason = (cut < 0 ? reason : reason[..cut]).ReplaceLineEndings(" ").TrimEnd('.', ' ');
            var where = exception.LineNumber is { } line ? $" (line {line + 1}, byte {exception.BytePositionInLine + 1})" : string.Empty;
            throw argument.Error($"fromJson() got text that is not JSON: {reason}{where}");
        }
    }

    /// <summary>A scalar argument as text (null as ""); an array or object is an error naming the function and argument.</summary>
    private static string Text(CallExpression call, int index, JsonElement value) =>
        value.ValueKind is JsonValueKind.Array or JsonValueKind.Object
            ? throw call.Arguments[index].Error(
                $"{call.Function.Name}() works on text, but its {(index == 0 ? "first" : "second")} argument is {JsonValues.Describe(value)}")
            : JsonValues.ToText(value);
}
