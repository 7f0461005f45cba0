using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>What shows a run: the terminal's view, plus whatever else the options and the environment ask for.</summary>
internal static class RunDisplays
{
    /// <summary>The observers of one <c>tb run</c>, combined into one.</summary>
    public static RunObserver For(Terminal terminal, RunArguments arguments)
    {
        // On a terminal, the live view (rows per running step below the log); elsewhere plain lines, as CI logs want them.
        List<RunObserver> observers = [terminal.Interactive ? new LiveReporter(terminal, arguments.Verbose) : new ConsoleReporter(terminal, arguments.Verbose)];
        return observers.Count == 1 ? observers[0] : RunObserver.Combine(observers);
    }
}
