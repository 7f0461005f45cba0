using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.UpToDate;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Steps with <c>inputs</c> or <c>outputs</c> (docs/devfile.md, "Up to date").</summary>
internal sealed partial class StepScheduler
{
    /// <summary>Skips the step when it is up to date, giving back what it gave; otherwise runs it and records it.</summary>
    private async Task<StepReport> RunTrackedAsync(StepDefinition step, UpToDateTracker tracker, JsonElement config, TimeSpan? timeout)
    {
        var checkedAt = DateTimeOffset.UtcNow;
        var checking = Stopwatch.StartNew();
        UpToDateCheck check;
        try
        {
            check = tracker.Check(step, config);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return SetupFailed(step, new StepSetupException(step.Location, $"cannot read the step's inputs or outputs: {exception.Message}"));
        }

        if (check.UpToDate)
        {
            return UpToDate(step, check.Previous!, checkedAt, checking.Elapsed);
        }

        var report = await RunPluginAsync(step, config, timeout).ConfigureAwait(false);
        return tracker.Record(step, check, report) is { } note
            ? report with { Note = report.Note is null ? note : $"{report.Note}; {note}" }
            : report;
    }

    /// <summary>An up-to-date step: not run; what it set and gave when it last ran is given again.</summary>
    private StepReport UpToDate(StepDefinition step, StepRecord record, DateTimeOffset checkedAt, TimeSpan checking)
    {
        foreach (var (name, value) in record.SetVariables)
        {
            router.Restore(step, name, value);
        }

        return new StepOutcome(StepStatus.UpToDate, null) { Outputs = record.Outputs }.ToReport(step, checkedAt, checking);
    }
}
