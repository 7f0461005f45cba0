using System.Globalization;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>Reads and writes durations as <c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c>, <c>1d</c> or plain seconds.</summary>
public static class Durations
{
    /// <summary>The longest duration read: 24 days (docs/devfile.md, "Limits").</summary>
    /// <remarks>
    /// Timers and cancellation tokens take at most <see cref="int.MaxValue"/> milliseconds, about 24.8 days, so every
    /// timeout and grace period read here can be honoured as written.
    /// </remarks>
    public static TimeSpan Maximum { get; } = TimeSpan.FromDays(24);

    /// <summary>Reads <paramref name="text"/>; false when it is not a duration from zero to <see cref="Maximum"/>.</summary>
    public static bool TryParse(string text, out TimeSpan duration) => TryParse(text, out duration, out _);

    /// <summary>Reads <paramref name="text"/>; when it is not a duration from zero to <see cref="Maximum"/>, <paramref name="problem"/> says why.</summary>
    /// <remarks>
    /// The problem is one line that reads on after the name of what was given, such as <c>must be at most 24d, not '2000h'</c>,
    /// so a caller shows <c>'timeout' must be at most 24d, not '2000h'</c> or <c>--grace must be at most 24d, not '9000h'</c>.
    /// </remarks>
    public static bool TryParse(string text, out TimeSpan duration, out string problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        duration = default;
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ when text.EndsWith('d') => (text[..^1], 86400.0),
            _ => (text, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || double.IsNaN(value))
        {
            problem = $"must be a duration such as 500ms, 30s, 2m, 1h or 1d, not '{text}'";
            return false;
        }

        if (value < 0)
        {
            problem = $"must be a duration of zero or more, not '{text}'";
            return false;
        }

        // Compared in seconds as a double, so 1e20 or infinity never reaches TimeSpan (which would overflow).
        if (value * scale > Maximum.TotalSeconds)
        {
            problem = $"must be at most {Format(Maximum)}, not '{text}'";
            return false;
        }

        duration = TimeSpan.FromSeconds(value * scale);
        problem = string.Empty;
        return true;
    }

    /// <summary>The shortest of the forms above that says <paramref name="duration"/> exactly enough.</summary>
    public static string Format(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => $"{duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms",
        { TotalMinutes: < 1 } or { Seconds: not 0 } => $"{duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s",
        { TotalHours: < 1 } or { Minutes: not 0 } => $"{duration.TotalMinutes.ToString("0.###", CultureInfo.InvariantCulture)}m",
        { TotalDays: < 1 } or { Hours: not 0 } => $"{duration.TotalHours.ToString("0.###", CultureInfo.InvariantCulture)}h",
        _ => $"{duration.TotalDays.ToString("0.###", CultureInfo.InvariantCulture)}d",
    };
}
