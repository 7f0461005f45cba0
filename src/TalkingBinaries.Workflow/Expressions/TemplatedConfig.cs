using System.Buffers;
using System.Text.Json;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>A step's config with each templated string replaced by what a resolver makes of it, the rest as written.</summary>
/// <remarks>The run resolves by evaluating; the dry run keeps what it cannot know yet as written.</remarks>
internal static class TemplatedConfig
{
    public static JsonElement Replace(JsonElement config, IReadOnlyList<TemplateSource> templates, Func<TemplateSource, JsonElement> resolve)
    {
        if (templates.Count == 0)
        {
            return config;
        }

        var byPlace = templates.ToDictionary(source => source.Place, StringComparer.Ordinal);
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, config, string.Empty, byPlace, resolve);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>Copies <paramref name="value"/>, walking it by JSON pointer: a template's place is the pointer of its string.</summary>
    private static void Write(Utf8JsonWriter writer, JsonElement value, string pointer, Dictionary<string, TemplateSource> templates, Func<TemplateSource, JsonElement> resolve)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value, $"{pointer}/{property.Name}", templates, resolve);
                }

                writer.WriteEndObject();
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                var index = 0;
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item, $"{pointer}/{index++}", templates, resolve);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.String when templates.TryGetValue(pointer, out var source):
                resolve(source).WriteTo(writer);
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
