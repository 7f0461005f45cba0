using System.Text.Json;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Running;
using TalkingBinaries.Workflow.UpToDate;

namespace TalkingBinaries.Cli;

/// <summary><c>tb status</c>: which steps <c>tb run</c> would run, and why; nothing is started or written (docs/devfile.md, "Up to date").</summary>
internal static class StatusCommand
{
    public static int Run(RunArguments arguments)
    {
        using var terminal = Terminal.ForConsole(arguments.NoColor || arguments.Json);
        if (!Commands.TryLoad(terminal, arguments.File, out var devFile) || !Commands.TryReadVariables(terminal, arguments, out var variables, out var secrets))
        {
            return ExitCodes.UsageOrConfig;
        }

        IReadOnlyList<StepFreshness> steps;
        string? problem;
        try
        {
            var options = new RunOptions
            {
                Locator = PluginLocator.ForCurrentProcess(),
                Step = arguments.Step,
                Matrix = arguments.Matrix,
                Variables = variables,
                Secrets = secrets,
                Force = arguments.Force,

                // No cache of plugin hashes is written either: a status check leaves every file as it was.
                Hashes = new PluginHashes(cacheFile: null),
            };
            steps = UpToDateStatus.Check(devFile, options, out problem);
        }
        catch (DevFileException exception)
        {
            Commands.PrintErrors(terminal, exception);
            return ExitCodes.UsageOrConfig;
        }

        if (problem is not null)
        {
            terminal.ErrorLine($"tb: warning: {problem}");
        }

        if (arguments.Json)
        {
            terminal.Line(JsonSerializer.Serialize(new StatusListing(devFile.Path, steps), DiscoveryJsonContext.Default.StatusListing));
            return ExitCodes.Success;
        }

        string[] header = ["STEP", "STATUS", "WHY"];
        var rows = steps.Select(step => new[] { step.Name, step.UpToDate ? "up to date" : "runs", step.Reason ?? string.Empty }).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(column => rows.Select(row => row[column].Length).Append(header[column].Length).Max()).ToArray();
        terminal.Line(terminal.Bold(string.Join("  ", header.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd()));
        foreach (var row in rows)
        {
            // Padded before it is painted, so colour codes never upset the columns.
            var status = row[1].PadRight(widths[1]);
            terminal.Line($"{row[0].PadRight(widths[0])}  {(row[1] == "runs" ? terminal.Yellow(status) : terminal.Green(status))}  {PluginText.Escape(row[2])}".TrimEnd());
        }

        var fresh = steps.Count(step => step.UpToDate);
        terminal.Line($"{devFile.Path}: {fresh} up to date, {steps.Count - fresh} to run");
        return ExitCodes.Success;
    }
}
