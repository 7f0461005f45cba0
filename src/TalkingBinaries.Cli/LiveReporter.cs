using System.Diagnostics;
using System.Globalization;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>Shows a run on a terminal: log lines streaming, below them a live row per running step, then the summary table.</summary>
/// <remarks>
/// A step's row shows its time so far and its plugin's latest progress, with a bar when the plugin gives a fraction;
/// when the step finishes the row gives way to the status line the plain view prints. A step shows a row only once
/// it has run for <see cref="Threshold"/>, so a run of quick steps (the root DevFile's) never draws one: the same lines
/// as the plain view, without the started and progress lines the rows stand for.
/// </remarks>
internal sealed class LiveReporter : RunObserver, IDisposable
{
    private static readonly TimeSpan Threshold = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan TickPeriod = TimeSpan.FromMilliseconds(100);
    private const int BarWidth = 20;

    private readonly Terminal _terminal;
    private readonly RunLines _lines;
    private readonly Lock _state = new();
    private readonly Dictionary<string, Running> _running = new(StringComparer.Ordinal);
    private Timer? _ticker;
    private bool _finished;
    private long _started;

    public LiveReporter(Terminal terminal, bool verbose)
    {
        _terminal = terminal;
        _lines = new RunLines(terminal, verbose);
        terminal.StartLive(new LiveArea(Rows, terminal.Invocation.OutputDescriptor));
    }

    public override void Warning(string message) => _terminal.ErrorLine(_lines.Warning(message));

    public override void RunStarting(DevFile devFile, IReadOnlyList<string> steps, string runId) =>
        _terminal.Line(_lines.Starting(devFile, steps, runId));

    public override void StepStarting(StepDefinition step)
    {
        lock (_state)
        {
            _running[step.Name] = new Running(step, _started++, Stopwatch.GetTimestamp(), null);
            if (_ticker is null && !_finished)
            {
                // The first tick comes when a step has run long enough to show: a quick run never draws or ticks.
                _ticker = new Timer(_ => _terminal.Redraw(), null, Threshold, TickPeriod);

                // Whatever ends the process, the cursor the live area hid is shown again.
                AppDomain.CurrentDomain.UnhandledException += (_, _) => _terminal.EndLive();
                AppDomain.CurrentDomain.ProcessExit += (_, _) => _terminal.EndLive();
            }
        }
    }

    public override void StepLog(StepDefinition step, PluginLogEvent line)
    {
        if (_lines.StepLog(step, line) is { } text)
        {
            _terminal.Line(text);
        }
    }

    public override void PluginLog(string plugin, PluginLogEvent line)
    {
        if (_lines.PluginLog(plugin, line) is { } text)
        {
            _terminal.Line(text);
        }
    }

    public override void StepProgress(StepDefinition step, PluginProgressEvent progress)
    {
        // The step's row shows it at the next tick; a step too quick for a row needs no progress line either.
        lock (_state)
        {
            if (_running.TryGetValue(step.Name, out var running))
            {
                _running[step.Name] = running with { Progress = progress };
            }
        }
    }

    public override void StepRetrying(StepDefinition step, StepAttempt attempt, TimeSpan delay) => _terminal.Line(_lines.StepRetrying(step, attempt, delay));

    public override void StepFinished(StepDefinition step, StepReport report)
    {
        lock (_state)
        {
            _running.Remove(step.Name);
        }

        _terminal.Line(_lines.StepFinished(step, report));
    }

    public override void RunFinished(RunReport report)
    {
        Dispose();
        _terminal.EndLive();
        _terminal.Lines(_lines.RunFinished(report));
    }

    /// <summary>Stops the ticking; the rows stay until <see cref="Terminal.EndLive"/>.</summary>
    public void Dispose()
    {
        lock (_state)
        {
            _finished = true;
            _ticker?.Dispose();
            _ticker = null;
        }
    }

    /// <summary>The rows to draw now, each no wider than <paramref name="width"/>, at most <paramref name="height"/> of them.</summary>
    private List<string> Rows(int width, int height)
    {
        lock (_state)
        {
            var now = Stopwatch.GetTimestamp();
            var shown = _running.Values
                .Select(running => (Running: running, Elapsed: Stopwatch.GetElapsedTime(running.Started, now)))
                .Where(row => row.Elapsed >= Threshold)
                .OrderBy(row => row.Running.Order)
                .ToList();
            if (shown.Count == 0)
            {
                return [];
            }

            var more = shown.Count > height ? shown.Count - (height - 1) : 0;
            var nameWidth = shown.Max(row => row.Running.Step.Name.Length);
            var rows = shown.Take(shown.Count - more)
                .Select(row => Row(row.Running, row.Elapsed, nameWidth, width))
                .ToList();
            if (more > 0)
            {
                rows.Add(_terminal.Dim($"... and {ConsoleReporter.Count(more, "more step")} running"));
            }

            return rows;
        }
    }

    private string Row(Running running, TimeSpan elapsed, int nameWidth, int width)
    {
        var prefix = _lines.Prefix(running.Step) + new string(' ', nameWidth - running.Step.Name.Length);
        var time = Elapsed(elapsed).PadLeft(7);
        if (running.Progress is not { } progress)
        {
            return $"{prefix} {time} {_terminal.Dim("running")}";
        }

        var message = PluginText.Escape(progress.Message ?? string.Empty);
        if (progress.Fraction is not { } fraction)
        {
            return $"{prefix} {time} {message}";
        }

        // The bar only when the row has room left for the message to start after it.
        fraction = Math.Clamp(fraction, 0, 1);
        var percent = $"{fraction * 100,3:0}%";
        var filled = (int)Math.Round(fraction * BarWidth);
        var bar = width - running.Step.Name.Length - 2 - time.Length >= BarWidth + 12
            ? $" {_terminal.Green(new string('━', filled))}{_terminal.Dim(new string('─', BarWidth - filled))}"
            : string.Empty;
        return $"{prefix} {time}{bar} {percent} {message}";
    }

    /// <summary>Time so far as the rows show it: tenths of seconds, then minutes and seconds from a minute on.</summary>
    internal static string Elapsed(TimeSpan elapsed) => elapsed < TimeSpan.FromMinutes(1)
        ? elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture) + " s"
        : string.Create(CultureInfo.InvariantCulture, $"{(int)elapsed.TotalMinutes}m{elapsed.Seconds:00}s");

    private sealed record Running(StepDefinition Step, long Order, long Started, PluginProgressEvent? Progress);
}
