using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>Creating, comparing and printing the JSON values expressions work on.</summary>
internal static class JsonValues
{
    // Relaxed escaping: toJson() and interpolation produce text for people and plugins, not for HTML pages.
    private static readonly JsonWriterOptions CompactOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonElement Null { get; } = Parse("null");

    public static JsonElement True { get; } = Parse("true");

    public static JsonElement False { get; } = Parse("false");

    public static JsonElement FromBoolean(bool value) => value ? True : False;

    public static JsonElement FromString(string value) => JsonSerializer.SerializeToElement(value, ExpressionJsonContext.Default.String);

    /// <summary>Parses JSON text into a value that outlives its document; throws <see cref="JsonException"/> on bad JSON.</summary>
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>Treats the value of a path that is not there as <c>null</c>.</summary>
    public static JsonElement OrNull(JsonElement value) => value.ValueKind == JsonValueKind.Undefined ? Null : value;

    public static bool IsZero(JsonElement number) =>
        number.TryGetDecimal(out var value) ? value == 0m : ToDouble(number) == 0d;

    /// <summary>Deep equality: numbers by value, strings ordinally, arrays item by item, objects member by member in any order.</summary>
    public static bool AreEqual(JsonElement left, JsonElement right)
    {
        var kind = KindOf(left);
        if (kind != KindOf(right))
        {
            return false;
        }

        switch (kind)
        {
            case JsonValueKind.Number:
                return CompareNumbers(left, right) == 0;
            case JsonValueKind.String:
                return string.Equals(left.GetString(), right.GetString(), StringComparison.Ordinal);
            case JsonValueKind.Array:
                if (left.GetArrayLength() != right.GetArrayLength())
                {
                    return false;
                }

                return left.EnumerateArray().Zip(right.EnumerateArray()).All(pair => AreEqual(pair.First, pair.Second));
            case JsonValueKind.Object:
                if (left.EnumerateObject().Count() != right.EnumerateObject().Count())
                {
                    return false;
                }

                return left.EnumerateObject().All(member => right.TryGetProperty(member.Name, out var other) && AreEqual(member.Value, other));
            default:
                // null, true and false: the kind is the value.
                return true;
        }
    }

    public static int CompareNumbers(JsonElement left, JsonElement right) =>
        left.TryGetDecimal(out var x) && right.TryGetDecimal(out var y) ? x.CompareTo(y) : ToDouble(left).CompareTo(ToDouble(right));

    /// <summary>The value as text to splice into a string: strings as they are, null as nothing, anything else as compact JSON.</summary>
    public static string ToText(JsonElement value) => KindOf(value) switch
    {
        JsonValueKind.String => value.GetString()!,
        JsonValueKind.Null => string.Empty,
        JsonValueKind.Number => value.GetRawText(),
        _ => ToJson(value),
    };

    /// <summary>The value as compact JSON text; a value that is not there is <c>null</c>.</summary>
    public static string ToJson(JsonElement value)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, CompactOptions))
        {
            OrNull(value).WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>"a string", "an array", ... for error messages.</summary>
    public static string Describe(JsonElement value) => KindOf(value) switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        _ => "null",
    };

    // An undefined value only reaches here inside default()'s first argument, where it stands for null.
    private static JsonValueKind KindOf(JsonElement value) =>
        value.ValueKind == JsonValueKind.Undefined ? JsonValueKind.Null : value.ValueKind;

    private static double ToDouble(JsonElement number) =>
        double.Parse(number.GetRawText(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
