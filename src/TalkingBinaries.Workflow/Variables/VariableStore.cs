using System.Text.Json;

namespace TalkingBinaries.Workflow.Variables;

/// <summary>The run's global variables: the DevFile's <c>vars</c>, <c>--var</c> and var-files, and what plugins set.</summary>
/// <remarks>
/// Thread-safe. A value a plugin sets is visible at once to steps that start later. Two steps that run at the same
/// time may not set the same variable: whichever sets it second gets an error, so the run fails whatever the timing
/// (docs/devfile.md, "Variables").
/// </remarks>
internal sealed class VariableStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _values = new(StringComparer.Ordinal);

    /// <summary>Creates a store holding <paramref name="initial"/>.</summary>
    public VariableStore(IReadOnlyDictionary<string, JsonElement> initial)
    {
        ArgumentNullException.ThrowIfNull(initial);
        foreach (var (name, value) in initial)
        {
            _values[name] = new Entry(value, SetBy: null);
        }
    }

    /// <summary>Every variable now, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Snapshot()
    {
        lock (_lock)
        {
            return _values.ToDictionary(pair => pair.Key, pair => pair.Value.Value, StringComparer.Ordinal);
        }
    }

    /// <summary>Sets a variable for <paramref name="step"/>; an error message when a step running alongside it set it too.</summary>
    /// <param name="name">The variable.</param>
    /// <param name="value">Its new value.</param>
    /// <param name="step">The step setting it.</param>
    /// <param name="ranAlongside">Whether another step ran at the same time as <paramref name="step"/>.</param>
    public string? Set(string name, JsonElement value, string step, Func<string, bool> ranAlongside)
    {
        ArgumentNullException.ThrowIfNull(ranAlongside);
        lock (_lock)
        {
            if (_values.TryGetValue(name, out var previous) && previous.SetBy is { } other && other != step && ranAlongside(other))
            {
                return $"steps '{other}' and '{step}' both set variable '{name}' while running at the same time; "
                    + "let one of them set it, or make one need the other";
            }

            _values[name] = new Entry(value.Clone(), step);
            return null;
        }
    }

    /// <summary>The variables <paramref name="step"/> set and still holds, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> SetBy(string step)
    {
        lock (_lock)
        {
            return _values.Where(pair => pair.Value.SetBy == step).ToDictionary(pair => pair.Key, pair => pair.Value.Value, StringComparer.Ordinal);
        }
    }

    /// <summary>Sets what an up-to-date step set when it last ran, as if it had set it now.</summary>
    public void Restore(string name, JsonElement value, string step)
    {
        lock (_lock)
        {
            _values[name] = new Entry(value.Clone(), step);
        }
    }

    private sealed record Entry(JsonElement Value, string? SetBy);
}
