using System.Collections.Concurrent;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>Records every observer call in order, as "kind step text".</summary>
internal sealed class RecordingObserver : RunObserver
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<(string Step, PluginLogEvent Line)> Lines { get; } = new();

    public override void StepStarting(StepDefinition step) => Calls.Enqueue($"start {step.Name}");

    public override void StepLog(StepDefinition step, PluginLogEvent line)
    {
        Lines.Enqueue((step.Name, line));
        Calls.Enqueue($"log {step.Name} {line.Text}");
    }

    public override void StepRetrying(StepDefinition step, StepAttempt attempt, TimeSpan delay) =>
        Calls.Enqueue($"retry {step.Name} {attempt.Attempt} {DevFiles.Durations.Format(delay)}");

    public override void StepFinished(StepDefinition step, StepReport report) => Calls.Enqueue($"finish {step.Name} {report.Status}");

    public IEnumerable<string> TextOf(string step) => Lines.Where(entry => entry.Step == step).Select(entry => entry.Line.Text);

    /// <summary>Waits until a line containing <paramref name="text"/> has been seen.</summary>
    public async Task WaitForLineAsync(string text, CancellationToken deadline)
    {
        while (!Lines.Any(entry => entry.Line.Text.Contains(text, StringComparison.Ordinal)))
        {
            await Task.Delay(10, deadline);
        }
    }
}
