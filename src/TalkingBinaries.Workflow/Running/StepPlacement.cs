using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Where a step runs among others: its wave, its siblings, and its instance of the plugin binary.</summary>
/// <remarks>
/// A step asks for its index within its wave (so a run group of N steps of one plugin gets 0..N-1, in file order);
/// if a step of another wave holds that index right now, it gets the lowest free one instead. Thread-safe.
/// </remarks>
internal sealed class StepPlacement(RunPlan plan)
{
    private readonly Dictionary<string, HashSet<int>> _held = new(StringComparer.Ordinal);

    /// <summary>Places <paramref name="step"/>; release its instance with <see cref="Release"/> when it ends.</summary>
    public ParallelInfo Place(StepDefinition step)
    {
        var executable = plan.Executables[step.Plugin];
        var wave = plan.Graph.Waves[step.Name];
        var members = plan.Graph.WaveMembers[wave].Where(plan.SelectedSet.Contains).ToList();
        var samePlugin = members.Where(name => plan.Executables[plan.Step(name).Plugin] == executable).ToList();
        var instance = Take(executable, samePlugin.IndexOf(step.Name));
        var siblings = members.Where(name => name != step.Name).ToList();
        return new ParallelInfo
        {
            Enabled = siblings.Count > 0 && plan.MaxParallel > 1,
            Group = wave,
            Instance = instance,
            Instances = Math.Max(samePlugin.Count, instance + 1),
            Siblings = siblings,
        };
    }

    public void Release(StepDefinition step, ParallelInfo placed)
    {
        lock (_held)
        {
            _held[plan.Executables[step.Plugin]].Remove(placed.Instance);
        }
    }

    private int Take(string executable, int preferred)
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
}
