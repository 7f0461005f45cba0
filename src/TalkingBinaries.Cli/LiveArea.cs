using System.Text;

namespace TalkingBinaries.Cli;

/// <summary>The rows drawn below the log on a terminal while steps run: the escapes that draw them, redraw them in place, and take them away.</summary>
/// <remarks>
/// Not thread-safe: <see cref="Terminal"/> calls it under its lock only, so one thread draws at a time. Rows are cut to
/// the terminal's width, read again on every draw (so a resized window needs no SIGWINCH handler), and to its height,
/// since the cursor cannot move up into the scrollback to take away a row that scrolled off.
/// </remarks>
internal sealed class LiveArea(Func<int, int, IReadOnlyList<string>> rows, int descriptor = 1)
{
    public const string HideCursor = "\u001b[?25l";
    public const string ShowCursor = "\u001b[?25h";
    private const string EraseBelow = "\u001b[J";
    private const string EraseRest = "\u001b[K";

    private int _drawn;

    /// <summary>Whether rows are on screen now; false after <see cref="Erase"/> until the next <see cref="Draw"/> that has rows.</summary>
    public bool Drawn => _drawn > 0;

    public bool CursorHidden { get; private set; }

    /// <summary>The escapes that take every drawn row away, leaving the cursor where the first of them began.</summary>
    public string Erase()
    {
        if (_drawn == 0)
        {
            return string.Empty;
        }

        var text = $"\u001b[{_drawn}A\r{EraseBelow}";
        _drawn = 0;
        return text;
    }

    /// <summary>Draws the rows as they are now, over those on screen (row by row, so nothing blinks), the cursor left below them.</summary>
    public string Draw()
    {
        var (width, height) = TerminalSize.Read(descriptor);
        var now = rows(width - 1, Math.Max(1, height - 1));
        if (now.Count == 0 && _drawn == 0)
        {
            return string.Empty;
        }

        var text = new StringBuilder();
        if (_drawn > 0)
        {
            text.Append($"\u001b[{_drawn}A\r");
        }

        if (now.Count > 0 && !CursorHidden)
        {
            // Hidden while rows are drawn, or it blinks on whichever row was drawn last; End shows it again.
            text.Append(HideCursor);
            CursorHidden = true;
        }

        foreach (var row in now)
        {
            // One column short of the width: a row that filled it would wrap in some terminals and throw the count off.
            text.Append(Fit(row, width - 1)).Append(EraseRest).Append('\n');
        }

        text.Append(EraseBelow);
        _drawn = now.Count;
        return text.ToString();
    }

    /// <summary>Takes the rows away and shows the cursor again.</summary>
    public string End()
    {
        var text = Erase();
        if (CursorHidden)
        {
            CursorHidden = false;
            text += ShowCursor;
        }

        return text;
    }

    /// <summary><paramref name="row"/> cut to <paramref name="width"/> visible characters, its colour escapes kept and closed.</summary>
    public static string Fit(string row, int width)
    {
        var text = new StringBuilder(row.Length);
        var visible = 0;
        for (var i = 0; i < row.Length; i++)
        {
            if (row[i] == '\u001b' && i + 1 < row.Length && row[i + 1] == '[')
            {
                // A CSI escape ends at its first byte from '@' to '~'; it takes no column.
                var end = i + 2;
                while (end < row.Length && row[end] is < '@' or > '~')
                {
                    end++;
                }

                text.Append(row, i, Math.Min(end + 1, row.Length) - i);
                i = end;
                continue;
            }

            if (visible == width)
            {
                return text.Append("\u001b[0m").ToString();
            }

            text.Append(row[i]);
            visible++;
        }

        return text.ToString();
    }
}
