using System.CommandLine;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary><c>tb run --output</c>: how steps' lines are shown, and the view each value makes.</summary>
internal static class OutputModes
{
    public const string Prefixed = "prefixed";

    public const string Grouped = "grouped";

    /// <summary>The option, which refuses any other value in one line (exit 2, as every usage error).</summary>
    public static Option<string?> Option()
    {
        var option = new Option<string?>("--output")
        {
            Description = "How to show steps' lines: prefixed (each line as it comes; the default) or grouped (each step's lines together when it ends; the default under GitHub Actions).",
            HelpName = "prefixed|grouped",
        };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<string?>() is { } value && value is not (Prefixed or Grouped))
            {
                result.AddError($"--output must be '{Prefixed}' or '{Grouped}', not '{value}'");
            }
        });
        return option;
    }

    /// <summary>The console view <paramref name="arguments"/> ask for: grouped when asked, or by default under GitHub Actions; else prefixed lines, with live rows per running step on a terminal.</summary>
    public static RunObserver Display(Terminal terminal, RunArguments arguments)
    {
        var gitHub = WorkflowCommands.ActiveIn(terminal.Invocation);
        return (arguments.Output ?? (gitHub ? Grouped : Prefixed)) == Grouped
            ? new GroupedReporter(terminal, arguments.Verbose, workflowGroups: gitHub)
            : terminal.Interactive ? new LiveReporter(terminal, arguments.Verbose) : new ConsoleReporter(terminal, arguments.Verbose);
    }
}
