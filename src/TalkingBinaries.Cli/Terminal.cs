namespace TalkingBinaries.Cli;

/// <summary>Where tb writes, and whether it colours: only on a terminal, never with NO_COLOR or --no-color.</summary>
/// <remarks>
/// Standard output is flushed a few milliseconds after a line is written rather than after every line: a plugin
/// flooding its stderr would otherwise cost a system call per line (bench/run.sh, figure 6). Lines still appear
/// live to a person; disposing flushes what is left.
/// A stream that cannot be written (a full disk, /dev/full, a closed pipe, a hung-up terminal) is given up once,
/// said on stderr if stderr still works, and never fails the run (issue 10, item 9).
/// </remarks>
internal sealed class Terminal(TextWriter output, TextWriter error, bool colour, bool interactive = false, Invocation? invocation = null) : IDisposable
{
    private static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(5);
    private static readonly string[] StepColours = ["36", "35", "34", "32", "33", "96", "95", "94"];
    private readonly Lock _lock = new();
    private bool _flushPending;
    private bool _outputFailed;
    private bool _errorFailed;
    private LiveArea? _live;

    public bool Colour { get; } = colour;

    /// <summary>Whether standard output is a terminal that can be drawn on (not a pipe, a file, or TERM=dumb).</summary>
    public bool Interactive { get; } = interactive;

    /// <summary>Whom the terminal writes for: its environment and descriptors.</summary>
    public Invocation Invocation { get; } = invocation ?? Invocation.ThisProcess;

    public static Terminal ForConsole(bool noColourFlag) => For(Invocation.ThisProcess, noColourFlag);

    /// <summary>The terminal of <paramref name="invocation"/>: its stdout and stderr, coloured when stdout is a terminal.</summary>
    public static Terminal For(Invocation invocation, bool noColourFlag)
    {
        var interactive = invocation.OutputIsTerminal && invocation.Variable("TERM") is not "dumb";
        var colour = !noColourFlag && string.IsNullOrEmpty(invocation.Variable("NO_COLOR")) && interactive;
        var output = new StreamWriter(invocation.Output(), bufferSize: invocation.WriterBufferSize) { AutoFlush = false };
        var error = new StreamWriter(invocation.Error()) { AutoFlush = true };
        return new Terminal(output, error, colour, interactive, invocation);
    }

    /// <summary>Writes one whole line; lines from concurrent callers never mix.</summary>
    public void Line(string text)
    {
        lock (_lock)
        {
            if (_outputFailed)
            {
                return;
            }

            try
            {
                // A live area below the log is taken away for the line, and drawn again at the next flush.
                if (_live is not null)
                {
                    output.Write(_live.Erase());
                }

                output.Write(text);
                output.Write('\n');
            }
            catch (IOException exception)
            {
                GiveUpOutput(exception);
                return;
            }

            if (!_flushPending)
            {
                _flushPending = true;
                _ = FlushSoonAsync();
            }
        }
    }

    /// <summary>Writes several lines as one block: no line from another thread lands among them.</summary>
    public void Lines(IEnumerable<string> lines)
    {
        lock (_lock)
        {
            foreach (var line in lines)
            {
                Line(line);
            }
        }
    }

    /// <summary>Writes out every line written so far.</summary>
    public void Flush()
    {
        lock (_lock)
        {
            FlushOutput();
        }
    }

    public void Dispose()
    {
        EndLive();
        Flush();
    }

    /// <summary>Keeps <paramref name="area"/> drawn below every line written from now on, until <see cref="EndLive"/>.</summary>
    public void StartLive(LiveArea area)
    {
        lock (_lock)
        {
            _live = area;
        }
    }

    /// <summary>Draws the live area again, in place (its rows have changed, or time has passed).</summary>
    public void Redraw()
    {
        lock (_lock)
        {
            FlushOutput(LiveDraw.Again);
        }
    }

    /// <summary>Takes the live area away and shows the cursor again; lines go on below what is there.</summary>
    public void EndLive()
    {
        lock (_lock)
        {
            if (_live is null)
            {
                return;
            }

            var end = _live.End();
            _live = null;
            if (!_outputFailed && end.Length > 0)
            {
                try
                {
                    output.Write(end);
                }
                catch (IOException exception)
                {
                    GiveUpOutput(exception);
                }
            }

            FlushOutput();
        }
    }

    private async Task FlushSoonAsync()
    {
        await Task.Delay(FlushDelay).ConfigureAwait(false);
        Flush();
    }

    /// <summary>Writes one whole line to stderr.</summary>
    public void ErrorLine(string text)
    {
        lock (_lock)
        {
            // What went before on stdout first, so the two read in order in a terminal or a merged CI log; a live area
            // is taken away first so the line lands above it, and drawn again below it.
            if (_live is not null && !_outputFailed)
            {
                try
                {
                    output.Write(_live.Erase());
                }
                catch (IOException exception)
                {
                    GiveUpOutput(exception);
                }
            }

            FlushOutput(LiveDraw.Not);
            WriteError(text);
            if (_live is not null)
            {
                FlushOutput();
            }
        }
    }

    private void FlushOutput(LiveDraw draw = LiveDraw.IfTakenAway)
    {
        _flushPending = false;
        if (_outputFailed)
        {
            return;
        }

        try
        {
            // After lines took the live area away it comes back once per flush, which caps how often it is drawn.
            if (_live is not null && (draw == LiveDraw.Again || (draw == LiveDraw.IfTakenAway && !_live.Drawn)))
            {
                output.Write(_live.Draw());
            }

            output.Flush();
        }
        catch (IOException exception)
        {
            GiveUpOutput(exception);
        }
    }

    private enum LiveDraw
    {
        IfTakenAway,
        Again,
        Not,
    }

    private void GiveUpOutput(IOException exception)
    {
        _outputFailed = true;

        // The cursor hidden for the live area is shown again through stderr, when that is the same terminal.
        var restore = _live is { CursorHidden: true } && Invocation.ErrorIsTerminal ? LiveArea.ShowCursor : string.Empty;
        _live = null;
        WriteError(restore + $"tb: error: cannot write to standard output ({exception.Message}); the run goes on without showing more there");
    }

    private void WriteError(string text)
    {
        if (_errorFailed)
        {
            return;
        }

        try
        {
            error.Write(text + "\n");
        }
        catch (IOException)
        {
            // Nowhere is left to say it; the exit code still tells how the run went.
            _errorFailed = true;
        }
    }

    public string Step(string name, int index) => Paint($"[{name}]", StepColours[index % StepColours.Length]);

    public string Red(string text) => Paint(text, "31");

    public string Yellow(string text) => Paint(text, "33");

    public string Green(string text) => Paint(text, "32");

    public string Dim(string text) => Paint(text, "2");

    public string Bold(string text) => Paint(text, "1");

    private string Paint(string text, string code) => Colour ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
