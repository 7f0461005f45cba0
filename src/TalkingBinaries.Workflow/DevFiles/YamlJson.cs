using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>Turns a YAML node into JSON, typing plain scalars as YAML 1.2's core schema does.</summary>
/// <remarks>Quoted scalars stay strings, so <c>"1"</c> is text and <c>1</c> is a number (docs/devfile.md, "config").</remarks>
internal static class YamlJson
{
    /// <summary>The JSON for <paramref name="node"/>, a whole value; <paramref name="file"/> names it in errors.</summary>
    /// <exception cref="DevFileException">The value nests lists and mappings deeper than <see cref="YamlLimits.MaxValueDepth"/>, aliases included.</exception>
    public static JsonElement ToJson(YamlNode node, string file)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node, 1, file);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    public static JsonElement EmptyObject { get; } = JsonDocument.Parse("{}").RootElement.Clone();

    /// <summary>Every scalar under <paramref name="node"/> with its JSON pointer (<c>/env/NAME</c>, <c>/commands/1</c>).</summary>
    public static IEnumerable<(string Pointer, YamlScalarNode Node)> Scalars(YamlNode node, string pointer = "")
    {
        switch (node)
        {
            case YamlMappingNode mapping:
                foreach (var (key, value) in mapping.Children)
                {
                    var name = key is YamlScalarNode scalarKey ? scalarKey.Value ?? string.Empty : key.ToString();
                    foreach (var found in Scalars(value, $"{pointer}/{name}"))
                    {
                        yield return found;
                    }
                }

                break;
            case YamlSequenceNode sequence:
                for (var index = 0; index < sequence.Children.Count; index++)
                {
                    foreach (var found in Scalars(sequence.Children[index], $"{pointer}/{index.ToString(CultureInfo.InvariantCulture)}"))
                    {
                        yield return found;
                    }
                }

                break;
            case YamlScalarNode scalar:
                yield return (pointer, scalar);
                break;
        }
    }

    private static void Write(Utf8JsonWriter writer, YamlNode node, int depth, string file)
    {
        // The parser bounds a file's depth (LimitedYamlParser); this bounds each value, which is what a plugin receives.
        if (node is YamlMappingNode or YamlSequenceNode && depth > YamlLimits.MaxValueDepth)
        {
            var where = new SourceLocation(file, (int)Math.Max(1, node.Start.Line), (int)Math.Max(1, node.Start.Column));
            throw new DevFileException([new DevFileError(where, YamlLimits.TooDeep)]);
        }

        switch (node)
        {
            case YamlMappingNode mapping:
                writer.WriteStartObject();
                foreach (var (key, value) in mapping.Children)
                {
                    writer.WritePropertyName(key is YamlScalarNode scalarKey ? scalarKey.Value ?? string.Empty : key.ToString());
                    Write(writer, value, depth + 1, file);
                }

                writer.WriteEndObject();
                break;
            case YamlSequenceNode sequence:
                writer.WriteStartArray();
                foreach (var item in sequence.Children)
                {
                    Write(writer, item, depth + 1, file);
                }

                writer.WriteEndArray();
                break;
            case YamlScalarNode scalar:
                WriteScalar(writer, scalar);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }

    private static void WriteScalar(Utf8JsonWriter writer, YamlScalarNode scalar)
    {
        var text = scalar.Value ?? string.Empty;
        if (scalar.Style is not ScalarStyle.Plain and not ScalarStyle.Any)
        {
            writer.WriteStringValue(text);
            return;
        }

        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL":
                writer.WriteNullValue();
                return;
            case "true" or "True" or "TRUE":
                writer.WriteBooleanValue(true);
                return;
            case "false" or "False" or "FALSE":
                writer.WriteBooleanValue(false);
                return;
        }

        if (BigInteger.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
        {
            // Every digit kept, however long: JSON numbers have no size limit, and a double would round.
            writer.WriteRawValue(integer.ToString(CultureInfo.InvariantCulture), skipInputValidation: true);
        }
        else if (LooksNumeric(text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real) && double.IsFinite(real))
        {
            writer.WriteNumberValue(real);
        }
        else
        {
            writer.WriteStringValue(text);
        }
    }

    // double.TryParse accepts "Infinity" and the like; YAML's core schema only takes digits, a dot and an exponent.
    private static bool LooksNumeric(string text) =>
        text.Length > 0 && text.All(c => char.IsAsciiDigit(c) || c is '.' or 'e' or 'E' or '+' or '-') && text.Any(char.IsAsciiDigit);
}
