namespace TalkingBinaries.Cli;

/// <summary>Where tb writes, and whether it colours: only on a terminal, never with NO_COLOR or --no-color.</summary>
/// <remarks>
/// Standard output is flushed a few milliseconds after a line is written rather than after every line: a plugin
/// flooding its stderr would otherwise cost a system call per line (bench/run.sh, figure 6). Lines still appear
/// live to a person; disposing flushes what is left.
/// A stream that cannot be written (a full disk, /dev/full, a closed pipe, a hung-up terminal) is given up once,
/// said on stderr if stderr still works, and never fails the run (issue 10, item 9).
/// </remarks>
internal sealed class Terminal(TextWriter output, TextWriter error, bool colour) : IDisposable
{
    private static readonly TimeSpan FlushDelay = TimeSpan.FromMilliseconds(5);
    private static readonly string[] StepColours = ["36", "35", "34", "32", "33", "96", "95", "94"];
    private readonly Lock _lock = new();
    private bool _flushPending;
    private bool _outputFailed;
    private bool _errorFailed;

    public bool Colour { get; } = colour;

    public static Terminal ForConsole(bool noColourFlag)
    {
        var colour = !noColourFlag
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            && !Console.IsOutputRedirected
            && Environment.GetEnvironmentVariable("TERM") is not "dumb";
        var output = new StreamWriter(StandardStreams.Output(), bufferSize: 64 * 1024) { AutoFlush = false };
        var error = new StreamWriter(StandardStreams.Error()) { AutoFlush = true };
        return new Terminal(output, error, colour);
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

    public void Dispose() => Flush();

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
            // What went before on stdout first, so the two read in order in a terminal or a merged CI log.
            FlushOutput();
            WriteError(text);
        }
    }

    private void FlushOutput()
    {
        _flushPending = false;
        if (_outputFailed)
        {
            return;
        }

        try
        {
            output.Flush();
        }
        catch (IOException exception)
        {
            GiveUpOutput(exception);
        }
    }

    private void GiveUpOutput(IOException exception)
    {
        _outputFailed = true;
        WriteError($"tb: error: cannot write to standard output ({exception.Message}); the run goes on without showing more there");
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
