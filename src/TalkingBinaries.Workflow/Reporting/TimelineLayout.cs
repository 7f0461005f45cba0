namespace TalkingBinaries.Workflow.Reporting;

/// <summary>Places a run's steps on a time axis: lanes for steps that overlap, and the axis's ticks.</summary>
internal static class TimelineLayout
{
    /// <summary>Below this share of the axis a bar is drawn wider, so a step of a few microseconds still shows; lanes allow for it.</summary>
    public const double MinimumShare = 0.004;

    /// <summary>The steps that ran (skipped ones have no times), each in the first lane free at its start.</summary>
    public static IReadOnlyList<TimelineBar> Place(RunReport report)
    {
        var span = Span(report);
        var started = report.Steps
            .Select((step, index) => (step, index))
            .Where(entry => entry.step.StartedAt is not null)
            .Select(entry =>
            {
                var start = Math.Max(0, (entry.step.StartedAt!.Value - report.StartedAt).TotalMilliseconds);
                var duration = entry.step.FinishedAt is { } finished
                    ? Math.Max(0, (finished - entry.step.StartedAt.Value).TotalMilliseconds)
                    : entry.step.StepTimeMs ?? Math.Max(0, report.DurationMs - start);
                return (entry.step, entry.index, start, duration);
            })
            .OrderBy(entry => entry.start)
            .ThenBy(entry => entry.index);

        // Greedy interval colouring: in start order, each step takes the lowest lane whose last bar has ended,
        // which uses as few lanes as the most steps that ran at once.
        var laneEnds = new List<double>();
        var bars = new List<TimelineBar>();
        foreach (var (step, index, start, duration) in started)
        {
            var drawnEnd = start + Math.Max(duration, span * MinimumShare);
            var lane = laneEnds.FindIndex(end => end <= start);
            if (lane < 0)
            {
                lane = laneEnds.Count;
                laneEnds.Add(drawnEnd);
            }
            else
            {
                laneEnds[lane] = drawnEnd;
            }

            bars.Add(new TimelineBar(step, index, lane, start, duration));
        }

        return bars;
    }

    /// <summary>The length of the axis: the run's duration, or the last step's end if that is later; never zero.</summary>
    public static double Span(RunReport report)
    {
        var lastEnd = report.Steps
            .Where(step => step.FinishedAt is not null)
            .Select(step => (step.FinishedAt!.Value - report.StartedAt).TotalMilliseconds)
            .DefaultIfEmpty(0)
            .Max();
        return Math.Max(1, Math.Max(report.DurationMs, lastEnd));
    }

    /// <summary>Round times from zero to <paramref name="spanMs"/>, 1, 2 or 5 times a power of ten apart, at most about ten.</summary>
    public static IReadOnlyList<double> Ticks(double spanMs)
    {
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(spanMs / 10)));
        var step = new[] { 1.0, 2, 5, 10 }.Select(factor => factor * magnitude).First(candidate => spanMs / candidate <= 10);
        var ticks = new List<double>();
        for (var i = 0; i * step <= spanMs * (1 + 1e-9); i++)
        {
            ticks.Add(i * step);
        }

        return ticks;
    }
}
