namespace TalkingBinaries.Workflow.Reporting;

/// <summary>The failed attempts of a step with <c>retry</c>, drawn inside its bar (docs/devfile.md, "HTML timeline").</summary>
public static partial class HtmlTimeline
{
    // Each attempt that did not end the step is a segment of the bar, placed in percent of the bar's width, with its own
    // tooltip; the last attempt is the rest of the bar, coloured by the step's status as every bar is.
    private static string Attempts(TimelineBar bar)
    {
        if (bar.Step is not { Attempts: { Count: > 1 } attempts, StartedAt: { } stepStart } || bar.DurationMs <= 0)
        {
            return string.Empty;
        }

        var segments = new System.Text.StringBuilder();
        foreach (var attempt in attempts.Take(attempts.Count - 1))
        {
            var startMs = Math.Max(0, (attempt.StartedAt - stepStart).TotalMilliseconds);
            var durationMs = Math.Max(0, (attempt.FinishedAt - attempt.StartedAt).TotalMilliseconds);
            var exit = attempt switch
            {
                { Signal: { } signal } => $" (signal {signal})",
                { ExitCode: { } code } => $" (exit code {code})",
                _ => string.Empty,
            };
            var tip = $"{bar.Step.Name}: attempt {attempt.Attempt} of {attempts.Count} {Status(attempt.Status)}{exit}\nstarted +{Ms(bar.StartMs + startMs)}, took {Ms(durationMs)}\n{attempt.Error}";
            segments.Append($"<div class=\"attempt s-{Status(attempt.Status)}\" data-attempt=\"{attempt.Attempt}\" data-tip=\"{E(tip)}\" aria-label=\"{E(tip)}\"")
                .Append($" style=\"left:{N(Percent(startMs, bar.DurationMs))}%;width:{N(Percent(durationMs, bar.DurationMs))}%\"></div>");
        }

        return segments.ToString();
    }
}
