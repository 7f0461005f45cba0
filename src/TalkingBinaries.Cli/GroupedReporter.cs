using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>Shows each step's lines together when it ends (<c>--output grouped</c>), then the summary table.</summary>
/// <remarks>
/// A step's "started" line, its log and progress lines and its "finished" line print as one block that concurrent steps
/// never split; warm plugins' own lines and warnings print as they come. What a step holds is bounded
/// (<see cref="HeldLines"/>). Under GitHub Actions each block is a <c>::group::</c>, which cannot nest or interleave.
/// </remarks>
internal sealed class GroupedReporter(Terminal terminal, bool verbose, bool workflowGroups, int memoryCap = HeldLines.DefaultMemoryCap) : RunObserver
{
    private readonly RunLines _lines = new(terminal, verbose);
    private readonly Lock _lock = new();
    private readonly Dictionary<string, HeldLines> _held = new(StringComparer.Ordinal);

    public override void Warning(string message) => terminal.ErrorLine(_lines.Warning(message));

    public override void RunStarting(DevFile devFile, IReadOnlyList<string> steps, string runId) =>
        terminal.Line(_lines.Starting(devFile, steps, runId));

    public override void StepStarting(StepDefinition step) => Hold(step.Name, _lines.StepStarting(step));

    public override void StepLog(StepDefinition step, PluginLogEvent line)
    {
        if (_lines.StepLog(step, line) is { } text)
        {
            Hold(step.Name, text);
        }
    }

    public override void PluginLog(string plugin, PluginLogEvent line)
    {
        if (_lines.PluginLog(plugin, line) is { } text)
        {
            terminal.Line(text);
        }
    }

    public override void StepProgress(StepDefinition step, PluginProgressEvent progress) => Hold(step.Name, _lines.StepProgress(step, progress));

    public override void StepRetrying(StepDefinition step, StepAttempt attempt, TimeSpan delay) => Hold(step.Name, _lines.StepRetrying(step, attempt, delay));

    public override void StepFinished(StepDefinition step, StepReport report)
    {
        Hold(step.Name, _lines.StepFinished(step, report));
        Show(step.Name, Take(step.Name));
    }

    public override void RunFinished(RunReport report)
    {
        // A step that never said it finished (none should) still has its lines shown, before the table.
        foreach (var step in report.Steps)
        {
            if (Take(step.Name) is { } held)
            {
                Show(step.Name, held);
            }
        }

        terminal.Lines(_lines.RunFinished(report));
    }

    private void Hold(string step, string line)
    {
        lock (_lock)
        {
            if (!_held.TryGetValue(step, out var held))
            {
                _held[step] = held = new HeldLines(memoryCap);
            }

            held.Add(line);
        }
    }

    private HeldLines? Take(string step)
    {
        lock (_lock)
        {
            return _held.Remove(step, out var held) ? held : null;
        }
    }

    /// <summary>One block on the terminal; other steps keep holding their lines meanwhile.</summary>
    private void Show(string step, HeldLines? held)
    {
        if (held is null)
        {
            return;
        }

        using (held)
        {
            terminal.Lines(Block(step, held));
        }
    }

    // Lazily, so lines spilled to a file are read back one at a time rather than all into memory.
    private IEnumerable<string> Block(string step, HeldLines held)
    {
        if (workflowGroups)
        {
            yield return WorkflowCommands.Group(step);
        }

        foreach (var line in held.Drain())
        {
            yield return line;
        }

        if (workflowGroups)
        {
            yield return WorkflowCommands.EndGroup;
        }
    }
}
