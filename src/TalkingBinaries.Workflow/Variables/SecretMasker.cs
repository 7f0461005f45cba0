using System.Buffers;
using System.Text.Json;

namespace TalkingBinaries.Workflow.Variables;

/// <summary>Replaces every known secret value by <c>***</c> in text and JSON the host shows or writes.</summary>
/// <remarks>
/// Thread-safe; secrets may be added while a run is going (a plugin registers one). A multi-line secret is also
/// masked line by line, because the host shows output one line at a time (docs/devfile.md, "Secrets").
/// </remarks>
internal sealed class SecretMasker(Action<string>? added = null)
{
    /// <summary>What a secret is replaced by.</summary>
    public const string Mask = "***";

    private readonly Lock _lock = new();
    private string[] _secrets = [];

    /// <summary>Whether any secret is known.</summary>
    public bool IsEmpty => _secrets.Length == 0;

    /// <summary>Masks <paramref name="secret"/> from now on (and each of its lines, if it has several).</summary>
    public void Add(string? secret)
    {
        if (string.IsNullOrWhiteSpace(secret))
        {
            return;
        }

        var pieces = secret.Split('\n').Select(line => line.TrimEnd('\r')).Where(line => line.Trim().Length > 0).Prepend(secret);
        string[] fresh;
        lock (_lock)
        {
            fresh = pieces.Except(_secrets, StringComparer.Ordinal).ToArray();

            // Longest first, so a secret that contains another is masked whole.
            _secrets = _secrets.Concat(fresh).OrderByDescending(text => text.Length).ToArray();

            // Told inside the lock, so whoever is told (GitHub's ::add-mask::) hears of a secret before any text masked with it is shown.
            foreach (var piece in fresh)
            {
                added?.Invoke(piece);
            }
        }
    }

    /// <summary>Masks every secret in a JSON value's strings (object keys stay as they are).</summary>
    public void Add(JsonElement secret)
    {
        if (secret.ValueKind == JsonValueKind.String)
        {
            Add(secret.GetString());
        }
        else if (secret.ValueKind is JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False)
        {
            Add(secret.GetRawText());
        }
        else if (secret.ValueKind == JsonValueKind.Array)
        {
            foreach (var item in secret.EnumerateArray())
            {
                Add(item);
            }
        }
        else if (secret.ValueKind == JsonValueKind.Object)
        {
            foreach (var property in secret.EnumerateObject())
            {
                Add(property.Value);
            }
        }
    }

    /// <summary><paramref name="text"/> with every secret replaced by <c>***</c>.</summary>
    public string Apply(string text)
    {
        var secrets = _secrets;
        if (secrets.Length == 0 || string.IsNullOrEmpty(text))
        {
            return text;
        }

        foreach (var secret in secrets)
        {
            if (text.Contains(secret, StringComparison.Ordinal))
            {
                text = text.Replace(secret, Mask, StringComparison.Ordinal);
            }
        }

        return text;
    }

    /// <summary>Where the end of <paramref name="text"/> could be the start of a secret cut short: the earliest such index, else its length.</summary>
    /// <remarks>For text that goes on in the next piece (a long line relayed in pieces): hold back from there.</remarks>
    public int PartialSecretStart(string text)
    {
        var secrets = _secrets;
        var longest = secrets.Length == 0 ? 0 : secrets[0].Length;
        for (var start = Math.Max(0, text.Length - longest + 1); start < text.Length; start++)
        {
            var tail = text.AsSpan(start);
            foreach (var secret in secrets)
            {
                if (secret.Length > tail.Length && secret.AsSpan().StartsWith(tail, StringComparison.Ordinal))
                {
                    return start;
                }
            }
        }

        return text.Length;
    }

    /// <summary><paramref name="value"/> with every secret in its strings replaced by <c>***</c>.</summary>
    public JsonElement Apply(JsonElement value)
    {
        if (_secrets.Length == 0)
        {
            return value;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, value);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        return document.RootElement.Clone();
    }

    /// <summary>Every value of <paramref name="values"/> masked.</summary>
    public IReadOnlyDictionary<string, JsonElement> Apply(IReadOnlyDictionary<string, JsonElement> values) =>
        _secrets.Length == 0 ? values : values.ToDictionary(pair => pair.Key, pair => Apply(pair.Value), StringComparer.Ordinal);

    private void Write(Utf8JsonWriter writer, JsonElement value)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                writer.WriteStringValue(Apply(value.GetString()!));
                break;
            case JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                var raw = value.GetRawText();
                if (Apply(raw) is var masked && masked != raw)
                {
                    writer.WriteStringValue(masked);
                }
                else
                {
                    value.WriteTo(writer);
                }

                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in value.EnumerateArray())
                {
                    Write(writer, item);
                }

                writer.WriteEndArray();
                break;
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in value.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    Write(writer, property.Value);
                }

                writer.WriteEndObject();
                break;
            default:
                value.WriteTo(writer);
                break;
        }
    }
}
