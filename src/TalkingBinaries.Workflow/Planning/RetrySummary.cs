using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Planning;

/// <summary>A step's <c>retry</c> as <c>tb list</c> and <c>tb run --dry-run</c> show it (docs/devfile.md, "Retries").</summary>
/// <param name="Max">How many times the step may run again after its first attempt.</param>
/// <param name="Delay">The wait before the first retry, e.g. <c>1s</c>.</param>
/// <param name="Backoff">What each further wait is multiplied by.</param>
/// <param name="ExitCodes">The exit codes <c>on</c> names.</param>
/// <param name="Kinds">The kinds of failure <c>on</c> names (<c>exit</c>, <c>signal</c>, <c>timeout</c>, <c>error</c>); with no exit codes either, every failure is retried.</param>
public sealed record RetrySummary(int Max, string Delay, double Backoff, IReadOnlyList<int> ExitCodes, IReadOnlyList<string> Kinds)
{
    /// <summary>The summary of <paramref name="retry"/>; null when the step has none.</summary>
    public static RetrySummary? Of(RetryPolicy? retry) => retry is null
        ? null
        : new RetrySummary(retry.Max, Durations.Format(retry.Delay), retry.Backoff, retry.ExitCodes, retry.Kinds.Select(kind => kind.ToString().ToLowerInvariant()).ToList());

    /// <summary>One short line, the DevFile's keys in order: <c>max 3, delay 1s, backoff 2, on 3, timeout</c>; backoff and on only when given.</summary>
    public string Text()
    {
        var text = $"max {Max}, delay {Delay}";
        if (Backoff != 1)
        {
            text += $", backoff {Backoff.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
        }

        var on = ExitCodes.Select(code => code.ToString(System.Globalization.CultureInfo.InvariantCulture)).Concat(Kinds).ToList();
        return on.Count == 0 ? text : $"{text}, on {string.Join(", ", on)}";
    }
}
