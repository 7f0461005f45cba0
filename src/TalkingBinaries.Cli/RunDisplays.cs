using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>What shows a run: the terminal's view, plus whatever else the options and the environment ask for.</summary>
internal static class RunDisplays
{
    /// <summary>The observers of one <c>tb run</c>, combined into one.</summary>
    public static RunObserver For(Terminal terminal, RunArguments arguments)
    {
        List<RunObserver> observers = [OutputModes.Display(terminal, arguments)];

        // After the display, so a failed step's ::error:: follows its group; its ::add-mask:: lines come as secrets do.
        if (WorkflowCommands.ActiveIn(terminal.Invocation))
        {
            observers.Add(new GitHubActionsReporter(terminal, terminal.Invocation.Variable("GITHUB_STEP_SUMMARY"), arguments.Timeout));
        }

        if (arguments.Events is { } events && EventsFile.Open(terminal, events) is { } eventWriter)
        {
            observers.Add(eventWriter);
        }

        return observers.Count == 1 ? observers[0] : RunObserver.Combine(observers);
    }
}
