using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>The event stream of <c>tb run --events FILE</c> (or <c>-</c>, standard output): checked before the run, written during it.</summary>
internal static class EventsFile
{
    /// <summary>The <c>--events</c> value that means standard output.</summary>
    public const string StandardOutput = "-";

    /// <summary>Whether the events can be written to <paramref name="path"/>; leaves no new file behind.</summary>
    public static bool CanWrite(string path, out string problem)
    {
        problem = string.Empty;
        return path == StandardOutput || ReportFile.CanWrite(path, out problem);
    }

    /// <summary>The terminal of a run whose events take standard output: every human line goes to stderr instead.</summary>
    public static Terminal HumanTerminal(Invocation invocation, bool noColourFlag)
    {
        var colour = !noColourFlag
            && string.IsNullOrEmpty(invocation.Variable("NO_COLOR"))
            && invocation.ErrorIsTerminal
            && invocation.Variable("TERM") is not "dumb";
        var human = new StreamWriter(invocation.Error(), bufferSize: invocation.WriterBufferSize) { AutoFlush = false };
        var error = new StreamWriter(invocation.Error()) { AutoFlush = true };
        return new Terminal(human, error, colour, invocation: invocation);
    }

    /// <summary>The observer that writes the events to <paramref name="path"/>; null, said on stderr, when it cannot be opened after all.</summary>
    public static RunObserver? Open(Terminal terminal, string path)
    {
        var shown = path == StandardOutput ? "standard output" : Path.GetFullPath(path);
        Stream stream;
        try
        {
            // Unbuffered: the writer hands over one whole event per write, and a reader tailing the file sees it at once.
            // The file stays open until tb exits; every event is already written by then.
            stream = path == StandardOutput
                ? terminal.Invocation.Output()
                : new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.Read, bufferSize: 0);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            terminal.ErrorLine($"tb: error: cannot write events to {shown}: {exception.Message}; the run goes on without them");
            return null;
        }

        // A full disk mid-run is said once; the run and its exit code go on as if nothing happened (issue 13).
        return new RunEventWriter(stream, failure =>
            terminal.ErrorLine($"tb: error: cannot write events to {shown}: {failure.Message}; the run goes on without writing more"));
    }
}
