using System.Globalization;
using System.Text;
using System.Text.Json;

namespace TalkingBinaries.Protocol.Seed;

/// <summary>A decoded seed-format response: texts in command order.</summary>
/// <param name="UserOutput">Each command's output, in index order.</param>
/// <param name="Errors">Each command's error text, in index order.</param>
/// <param name="PluginLogs">The plugin's own logs.</param>
public sealed record SeedOutput(IReadOnlyList<string> UserOutput, IReadOnlyList<string> Errors, string PluginLogs)
{
    /// <summary>Decodes a seed plugin's whole stdout; false with a reason when it is not a seed response.</summary>
    public static bool TryDecode(ReadOnlySpan<byte> stdout, out SeedOutput? output, out string? problem)
    {
        output = null;
        SeedResponse? response;
        try
        {
            response = JsonSerializer.Deserialize(stdout.Trim("\r\n\t "u8), SeedJsonContext.Default.SeedResponse);
        }
        catch (JsonException exception)
        {
            problem = $"its stdout is not the seed JSON response ({exception.Message.Split(". ")[0].TrimEnd('.')})";
            return false;
        }

        if (response is null)
        {
            problem = "its stdout is a JSON null, not the seed JSON response";
            return false;
        }

        try
        {
            output = new SeedOutput(DecodeAll(response.UserOutput), DecodeAll(response.Errors), Decode(response.PluginLogs));
            problem = null;
            return true;
        }
        catch (FormatException exception)
        {
            problem = $"its response holds a value that is not base64 ({exception.Message})";
            return false;
        }
    }

    private static List<string> DecodeAll(Dictionary<string, string>? byIndex)
    {
        if (byIndex is null)
        {
            return [];
        }

        // Keys are decimal indexes; order by number so "10" comes after "9".
        return byIndex
            .OrderBy(pair => long.TryParse(pair.Key, NumberStyles.Integer, CultureInfo.InvariantCulture, out var index) ? index : long.MaxValue)
            .ThenBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => Decode(pair.Value))
            .ToList();
    }

    private static string Decode(string? base64) =>
        string.IsNullOrEmpty(base64) ? string.Empty : Encoding.UTF8.GetString(Convert.FromBase64String(base64));
}
