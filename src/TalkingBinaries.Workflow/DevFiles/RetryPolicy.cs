namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>A step's <c>retry</c>: how often, how long apart and on which failures a failed step runs again (docs/devfile.md, "Retries").</summary>
/// <param name="Max">How many times the step may run again after its first attempt, at least 1.</param>
/// <param name="Delay">The wait before the first retry.</param>
/// <param name="Backoff">What each further wait is multiplied by, at least 1.</param>
public sealed record RetryPolicy(int Max, TimeSpan Delay, double Backoff)
{
    /// <summary>The most retries a step may ask for.</summary>
    public const int MaximumRetries = 100;

    /// <summary>The largest backoff a step may ask for.</summary>
    public const double MaximumBackoff = 100;

    /// <summary>The exit codes <c>on</c> names; with <see cref="Kinds"/> both empty, every failure is retried.</summary>
    public IReadOnlyList<int> ExitCodes { get; init; } = [];

    /// <summary>The kinds of failure <c>on</c> names.</summary>
    public IReadOnlyList<FailureKind> Kinds { get; init; } = [];

    /// <summary>How many attempts the step may have in all.</summary>
    public int Attempts => Max + 1;

    /// <summary>The wait after attempt <paramref name="attempt"/> (1 for the first) failed, at most <see cref="Durations.Maximum"/>.</summary>
    public TimeSpan DelayAfter(int attempt)
    {
        var seconds = Delay.TotalSeconds * Math.Pow(Backoff, attempt - 1);
        return seconds >= Durations.Maximum.TotalSeconds ? Durations.Maximum : TimeSpan.FromSeconds(seconds);
    }

    /// <summary>Whether a failure of <paramref name="kind"/>, with <paramref name="exitCode"/> when the process exited, is retried.</summary>
    public bool Retries(FailureKind kind, int? exitCode) =>
        (ExitCodes.Count == 0 && Kinds.Count == 0)
        || Kinds.Contains(kind)
        || (kind == FailureKind.Exit && exitCode is { } code && ExitCodes.Contains(code));

    /// <summary>Whether <paramref name="other"/> says the same.</summary>
    public bool Equals(RetryPolicy? other) =>
        other is not null && Max == other.Max && Delay == other.Delay && Backoff.Equals(other.Backoff)
        && ExitCodes.SequenceEqual(other.ExitCodes) && Kinds.SequenceEqual(other.Kinds);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Max, Delay, Backoff, ExitCodes.Count, Kinds.Count);
}
