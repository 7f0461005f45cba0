using System.Text;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>What GitHub Actions understands of a run: masks for secrets, an error annotation per failed step, a job summary.</summary>
/// <remarks>
/// Added next to the console view when <c>GITHUB_ACTIONS=true</c> (docs/devfile.md, "GitHub Actions"). Secrets are
/// told to the runner with <c>::add-mask::</c> as they become known, which is before any text masked with them is
/// shown. The summary is appended to the file <c>GITHUB_STEP_SUMMARY</c> names; failing to write it never fails the run.
/// </remarks>
internal sealed class GitHubActionsReporter(Terminal terminal, string? summaryPath, string? timeout) : RunObserver
{
    public override void SecretRegistered(string secret) => terminal.Line(WorkflowCommands.AddMask(secret));

    public override void StepFinished(StepDefinition step, StepReport report)
    {
        if (report.Status == StepStatus.Failed)
        {
            terminal.Line(WorkflowCommands.Error($"{step.Name} failed", Reason(report)));
        }
    }

    public override void RunFinished(RunReport report)
    {
        if (report.Status == RunStatus.TimedOut)
        {
            var limit = timeout is null ? "its time limit" : $"--timeout {timeout}";
            terminal.Line(WorkflowCommands.Error("tb run timed out", $"the run took longer than {limit} and was stopped after {ConsoleReporter.Ms(report.DurationMs)}"));
        }

        if (!string.IsNullOrEmpty(summaryPath))
        {
            WriteSummary(summaryPath, report);
        }
    }

    /// <summary>Why a step failed, on one line: its error, then how its process ended.</summary>
    private static string Reason(StepReport report)
    {
        var error = string.IsNullOrWhiteSpace(report.Error) ? "failed" : PluginText.Escape(report.Error);
        var exit = RunLines.Exit(report);
        return exit.Length == 0 ? error : $"{error} ({exit[2..]})";
    }

    private void WriteSummary(string path, RunReport report)
    {
        var summary = new StringBuilder();
        summary.Append("### tb run ").Append(Verdict(report.Status)).Append('\n').Append('\n');
        summary.Append("| Step | Plugin | Status | Duration | Error |\n");
        summary.Append("| --- | --- | --- | ---: | --- |\n");
        foreach (var step in report.Steps)
        {
            var duration = step.StepTimeMs is { } time ? ConsoleReporter.Ms(time) : "-";
            var error = step.Error is { } text ? $"{text}{RunLines.Exit(step)}" : RunLines.Exit(step).TrimStart(',', ' ');
            summary.Append($"| {Cell(step.Name)} | {Cell(step.Plugin)} | {Status(step.Status)} | {duration} | {Cell(error)} |\n");
        }

        var cause = report.FailedFirst is { } failed ? $" (step '{Cell(failed)}' failed first)" : string.Empty;
        summary.Append('\n').Append($"**run {Verdict(report.Status)}**{cause}: {RunLines.Counts(report)} in {ConsoleReporter.Ms(report.DurationMs)}\n\n");
        try
        {
            File.AppendAllText(path, summary.ToString());
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            terminal.ErrorLine($"tb: warning: cannot write the job summary to {path} (GITHUB_STEP_SUMMARY): {exception.Message}; the run's result is unchanged");
        }
    }

    private static string Verdict(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "succeeded",
        RunStatus.Cancelled => "interrupted",
        RunStatus.TimedOut => "timed out",
        _ => "failed",
    };

    private static string Status(StepStatus status) => status switch
    {
        StepStatus.Succeeded => "✅ succeeded",
        StepStatus.Failed => "❌ failed",
        StepStatus.Skipped => "⏭️ skipped",
        StepStatus.UpToDate => "✅ up to date",
        _ => "⏹️ cancelled",
    };

    /// <summary>Text as one markdown table cell: <c>|</c> escaped, line breaks as <c>&lt;br&gt;</c>, other control characters escaped.</summary>
    private static string Cell(string text) => PluginText.Escape(text
        .Replace("\r\n", "<br>", StringComparison.Ordinal)
        .Replace('\r', '\n')
        .Replace("\n", "<br>", StringComparison.Ordinal)
        .Replace("|", "\\|", StringComparison.Ordinal));
}
