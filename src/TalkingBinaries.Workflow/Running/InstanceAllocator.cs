namespace TalkingBinaries.Workflow.Running;

/// <summary>Gives concurrent steps of the same plugin binary distinct instance indexes.</summary>
/// <remarks>
/// A step asks for its index within its wave (so a run group of N steps of one plugin gets 0..N-1, in file order);
/// if a step of another wave holds that index right now, it gets the lowest free one instead. Thread-safe.
/// </remarks>
internal sealed class InstanceAllocator
{
    private readonly Dictionary<string, HashSet<int>> _held = new(StringComparer.Ordinal);

    public int Take(string executable, int preferred)
    {
        lock (_held)
        {
            if (!_held.TryGetValue(executable, out var held))
            {
                _held[executable] = held = [];
            }

            var index = held.Contains(preferred) ? Enumerable.Range(0, held.Count + 1).First(candidate => !held.Contains(candidate)) : preferred;
            held.Add(index);
            return index;
        }
    }

    public void Release(string executable, int index)
    {
        lock (_held)
        {
            _held[executable].Remove(index);
        }
    }
}
