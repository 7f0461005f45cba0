using System.Buffers;
using System.Globalization;
using System.Text;

namespace TalkingBinaries.Cli;

/// <summary>What tb shows of text a plugin wrote: tab as it is, every other control character escaped.</summary>
/// <remarks>
/// A plugin must not be able to clear the screen, move the cursor or overprint the <c>[step]</c> prefix (issue 10,
/// item 14; docs/devfile.md, "What tb shows of plugin output"). The same on a terminal and in a file or pipe, so a log
/// reads as the terminal did. ESC is <c>\e</c>, so <c>ESC[2J</c> shows as <c>\e[2J</c>.
/// </remarks>
internal static class PluginText
{
    private static readonly SearchValues<char> Controls = SearchValues.Create(
        Enumerable.Range(0, 0xa0).Select(code => (char)code).Where(IsControl).ToArray());

    /// <summary><paramref name="text"/> with C0 controls but tab, DEL and C1 controls escaped; the same string when there are none.</summary>
    public static string Escape(string text)
    {
        // The relay's hot path: most lines have nothing to escape and are shown without a copy.
        if (!text.AsSpan().ContainsAny(Controls))
        {
            return text;
        }

        var shown = new StringBuilder(text.Length + 16);
        foreach (var character in text)
        {
            if (!IsControl(character))
            {
                shown.Append(character);
                continue;
            }

            shown.Append(character switch
            {
                '\u001b' => "\\e",
                '\r' => "\\r",
                '\n' => "\\n",
                '\b' => "\\b",
                '\f' => "\\f",
                '\v' => "\\v",
                '\a' => "\\a",
                '\0' => "\\0",
                _ => "\\x" + ((int)character).ToString("x2", CultureInfo.InvariantCulture),
            });
        }

        return shown.ToString();
    }

    private static bool IsControl(char character) => character != '\t' && (character < ' ' || character is >= '\u007f' and <= '\u009f');
}
