using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Workflow.Reporting;

/// <summary>Keeps the last lines of each step's log as the run goes, within a cap per step, for <see cref="HtmlTimeline"/>.</summary>
/// <remarks>Thread-safe, as observers must be. A plugin that floods its log costs at most the cap per step: older lines are dropped and counted.</remarks>
public sealed class StepLogCollector : RunObserver
{
    /// <summary>At most this many lines are kept per step by default.</summary>
    public const int DefaultMaxLines = 2000;

    /// <summary>At most this many characters of text are kept per step by default (1 Mi).</summary>
    public const int DefaultMaxChars = 1024 * 1024;

    private readonly Dictionary<string, Tail> _steps = new(StringComparer.Ordinal);
    private readonly int _maxLines;
    private readonly int _maxChars;

    /// <summary>A collector that keeps at most <paramref name="maxLines"/> lines and <paramref name="maxChars"/> characters per step.</summary>
    public StepLogCollector(int maxLines = DefaultMaxLines, int maxChars = DefaultMaxChars)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLines, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxChars, 1);
        _maxLines = maxLines;
        _maxChars = maxChars;
    }

    /// <summary>What was kept of each step's log, by step name; steps that said nothing are absent.</summary>
    public IReadOnlyDictionary<string, StepLogs> Logs
    {
        get
        {
            lock (_steps)
            {
                return _steps.ToDictionary(entry => entry.Key, entry => new StepLogs([.. entry.Value.Lines], entry.Value.Omitted), StringComparer.Ordinal);
            }
        }
    }

    /// <inheritdoc/>
    public override void StepLog(StepDefinition step, PluginLogEvent line)
    {
        // A line longer than the whole cap keeps its end, like the lines: the end of a flood is what explains it.
        var text = line.Text.Length > _maxChars ? line.Text[^_maxChars..] : line.Text;
        var level = line.Source == PluginLogSource.StrayStdout ? "stdout" : line.Level;
        lock (_steps)
        {
            if (!_steps.TryGetValue(step.Name, out var tail))
            {
                tail = new Tail();
                _steps[step.Name] = tail;
            }

            tail.Lines.Enqueue(new LogLine(line.Timestamp, level, text));
            tail.Chars += text.Length;
            while (tail.Lines.Count > _maxLines || tail.Chars > _maxChars)
            {
                tail.Chars -= tail.Lines.Dequeue().Text.Length;
                tail.Omitted++;
            }
        }
    }

    private sealed class Tail
    {
        public Queue<LogLine> Lines { get; } = new();

        public long Chars { get; set; }

        public long Omitted { get; set; }
    }
}
