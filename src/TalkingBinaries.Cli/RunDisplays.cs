using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>What shows a run: the terminal's view, plus whatever else the options and the environment ask for.</summary>
internal static class RunDisplays
{
    /// <summary>The observers of one <c>tb run</c>, combined into one.</summary>
    public static RunObserver For(Terminal terminal, RunArguments arguments)
    {
        List<RunObserver> observers = [new ConsoleReporter(terminal, arguments.Verbose)];
        if (arguments.Events is { } events && EventsFile.Open(terminal, events) is { } eventWriter)
        {
            observers.Add(eventWriter);
        }

        return observers.Count == 1 ? observers[0] : RunObserver.Combine(observers);
    }
}
