using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TalkingBinaries.Workflow.Expressions;

namespace TalkingBinaries.Workflow.Tests.Expressions;

/// <summary>The roots the expression specs evaluate against, and short ways to parse, evaluate and catch errors.</summary>
internal static class ExpressionSamples
{
    public const string Vars = """
        {"name":"world","count":3,"zero":0,"empty":"","flag":true,"off":false,"nothing":null,
         "list":["a","b","c"],"numbers":[1,2,3],"nested":{"a":{"b":"deep"}},"obj":{"x":1,"y":[1,2]},
         "build-1":"dash","2nd":"second","version":"1.2.3","key":"name","json":"{\"a\":[1,2]}"}
        """;

    public const string Steps = """
        {"build":{"outputs":{"version":"1.2.3","tags":["x","y"]}},"build-1":{"outputs":{"x":"one"}}}
        """;

    public static ExpressionContext Context { get; } = ContextWith(new ExpressionStatus(AnyFailed: false, Cancelled: false));

    public static ExpressionContext ContextWith(ExpressionStatus status) => new()
    {
        Roots = new Dictionary<string, JsonElement>(StringComparer.Ordinal)
        {
            ["vars"] = Json(Vars),
            ["steps"] = Json(Steps),
            ["env"] = Json("""{"HOME":"/home/me","PATH":"/bin"}"""),
            ["secrets"] = Json("""{"token":"s3cret"}"""),
        },
        Status = status,
    };

    public static JsonElement Json(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Parses and evaluates against <see cref="Context"/>.</summary>
    public static JsonElement Evaluate(string expression) => Expression.Parse(expression).Evaluate(Context);

    /// <summary>The value as compact JSON, for exact comparisons.</summary>
    public static string EvaluateToJson(string expression) => Compact(Evaluate(expression));

    public static string Compact(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static ExpressionException ParseError(string expression) =>
        Assert.Throws<ExpressionException>(() => Expression.Parse(expression));

    public static ExpressionException EvaluationError(string expression)
    {
        var parsed = Expression.Parse(expression);
        return Assert.Throws<ExpressionException>(() => parsed.Evaluate(Context));
    }
}
