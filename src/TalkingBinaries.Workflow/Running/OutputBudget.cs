using System.Runtime.InteropServices;
using System.Text.Json;

namespace TalkingBinaries.Workflow.Running;

/// <summary>How much of its steps' outputs a run keeps in memory: they live until the run's report is written.</summary>
/// <remarks>
/// Thread-safe. A step whose outputs would take the run past the limit keeps none: they are dropped with a warning
/// line and a note in its report, and the step's status is unchanged (docs/devfile.md, "Output limits").
/// </remarks>
internal sealed class OutputBudget(long limitBytes)
{
    private long _used;

    public long LimitBytes { get; } = limitBytes;

    /// <summary>Takes room for <paramref name="outputs"/>; false, taking nothing, when they do not fit.</summary>
    public bool TryTake(IReadOnlyDictionary<string, JsonElement> outputs, out long size)
    {
        size = 0;
        foreach (var (name, value) in outputs)
        {
            if (value.ValueKind == JsonValueKind.Undefined)
            {
                continue;
            }

            // The JSON text as received, without copying it; names count too.
            size += name.Length + JsonMarshal.GetRawUtf8Value(value).Length;
        }

        if (size == 0)
        {
            return true;
        }

        var used = Interlocked.Add(ref _used, size);
        if (used <= LimitBytes)
        {
            return true;
        }

        Interlocked.Add(ref _used, -size);
        return false;
    }
}
