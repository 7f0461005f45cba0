using System.Text.Json;
using System.Text.Json.Serialization;

namespace TalkingBinaries.TestPlugin.Messages;

/// <summary>Writes a <see cref="JsonElement"/> as the exact text it was read from.</summary>
/// <remarks>
/// The plugin hands back what the host sent (ids, config, variable values) byte for byte, the way a hand-written
/// plugin that splices text would, rather than as the serializer would re-escape it.
/// </remarks>
internal sealed class VerbatimJsonConverter : JsonConverter<JsonElement>
{
    public override JsonElement Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => JsonElement.ParseValue(ref reader);

    public override void Write(Utf8JsonWriter writer, JsonElement value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.GetRawText(), skipInputValidation: true);
}
