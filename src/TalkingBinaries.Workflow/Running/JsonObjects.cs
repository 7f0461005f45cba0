using System.Buffers;
using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Builds the JSON objects expressions see as <c>vars</c>, <c>steps</c>, <c>env</c> and <c>secrets</c>.</summary>
internal static class JsonObjects
{
    public static JsonElement From(IEnumerable<KeyValuePair<string, JsonElement>> values) => Build(writer =>
    {
        foreach (var (name, value) in values)
        {
            writer.WritePropertyName(name);
            value.WriteTo(writer);
        }
    });

    public static JsonElement From(IEnumerable<KeyValuePair<string, string>> values) => Build(writer =>
    {
        foreach (var (name, value) in values)
        {
            writer.WriteString(name, value);
        }
    });

    public static JsonElement Environment(IReadOnlyDictionary<string, string>? environment) => From(environment ?? ProcessEnvironment.Current());

    /// <summary>Each finished step as <c>{ "outputs": {...}, "status": "succeeded" }</c>.</summary>
    public static JsonElement Steps(IEnumerable<KeyValuePair<string, StepReport>> finished) => Build(writer =>
    {
        foreach (var (name, report) in finished)
        {
            writer.WriteStartObject(name);
            writer.WriteStartObject("outputs");
            foreach (var (key, value) in report.Outputs)
            {
                writer.WritePropertyName(key);
                value.WriteTo(writer);
            }

            writer.WriteEndObject();
            writer.WriteString("status", JsonSerializer.SerializeToElement(report.Status, ReportJsonContext.Default.StepStatus).GetString());
            writer.WriteEndObject();
        }
    });

    private static JsonElement Build(Action<Utf8JsonWriter> body)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            body(writer);
            writer.WriteEndObject();
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }
}
