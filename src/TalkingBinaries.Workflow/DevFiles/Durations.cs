using System.Globalization;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>Reads and writes durations as <c>500ms</c>, <c>5s</c>, <c>2m</c>, <c>1h</c> or plain seconds.</summary>
public static class Durations
{
    /// <summary>Reads <paramref name="text"/>; false when it is not a non-negative duration.</summary>
    public static bool TryParse(string text, out TimeSpan duration)
    {
        duration = default;
        var (number, scale) = text switch
        {
            _ when text.EndsWith("ms", StringComparison.Ordinal) => (text[..^2], 0.001),
            _ when text.EndsWith('s') => (text[..^1], 1.0),
            _ when text.EndsWith('m') => (text[..^1], 60.0),
            _ when text.EndsWith('h') => (text[..^1], 3600.0),
            _ => (text, 1.0),
        };
        if (!double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || value < 0 || !double.IsFinite(value))
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * scale);
        return true;
    }

    /// <summary>The shortest of the forms above that says <paramref name="duration"/> exactly enough.</summary>
    public static string Format(TimeSpan duration) => duration switch
    {
        { TotalSeconds: < 1 } => $"{duration.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture)}ms",
        { TotalMinutes: < 1 } or { Seconds: not 0 } => $"{duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)}s",
        { TotalHours: < 1 } or { Minutes: not 0 } => $"{duration.TotalMinutes.ToString("0.###", CultureInfo.InvariantCulture)}m",
        _ => $"{duration.TotalHours.ToString("0.###", CultureInfo.InvariantCulture)}h",
    };
}
