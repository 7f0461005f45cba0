using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Planning;

/// <summary>Which steps wait for which, from <c>needs</c> and file order (docs/devfile.md, "Order and parallelism").</summary>
/// <remarks>
/// A step with <c>needs</c> waits for exactly those steps. A step without it waits for every step above it in the
/// file, except that consecutive <c>parallel: true</c> steps without <c>needs</c> form a run group whose steps wait
/// for what is above the group and not for each other; so do the instances of a matrix step. Waiting for "every step above" is expressed as waiting for
/// the steps above that nothing else above waits for, which implies the rest.
/// </remarks>
internal sealed class StepGraph
{
    private StepGraph(IReadOnlyList<StepDefinition> steps, Dictionary<string, IReadOnlyList<string>> dependencies)
    {
        Steps = steps;
        Dependencies = dependencies;
        Order = TopologicalOrder(steps, dependencies) ?? throw new InvalidOperationException("the step graph has a cycle; validate the DevFile first");
        var waves = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var name in Order)
        {
            waves[name] = dependencies[name].Select(dependency => waves[dependency] + 1).DefaultIfEmpty(0).Max();
        }

        Waves = waves;
        WaveMembers = steps.GroupBy(step => waves[step.Name]).ToDictionary(group => group.Key, group => (IReadOnlyList<string>)group.Select(step => step.Name).ToList());
    }

    /// <summary>The steps in file order.</summary>
    public IReadOnlyList<StepDefinition> Steps { get; }

    /// <summary>For each step, the steps it waits for directly.</summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> Dependencies { get; }

    /// <summary>Every step, each after all it waits for.</summary>
    public IReadOnlyList<string> Order { get; }

    /// <summary>Each step's wave: 0 for steps that wait for nothing, else one more than the latest wave it waits for.</summary>
    public IReadOnlyDictionary<string, int> Waves { get; }

    /// <summary>The steps of each wave, in file order.</summary>
    public IReadOnlyDictionary<int, IReadOnlyList<string>> WaveMembers { get; }

    /// <summary>Builds the graph of a validated DevFile's steps.</summary>
    public static StepGraph Build(IReadOnlyList<StepDefinition> steps) => new(steps, DependenciesOf(steps));

    /// <summary><paramref name="name"/> and every step it waits for, directly or not, in file order.</summary>
    public IReadOnlyList<string> Closure(string name)
    {
        var seen = Upstream(name);
        seen.Add(name);
        return Steps.Select(step => step.Name).Where(seen.Contains).ToList();
    }

    /// <summary>Every step <paramref name="name"/> waits for, directly or not; costs time in their number, not in the number of steps.</summary>
    public HashSet<string> Upstream(string name)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Stack<string>([name]);
        while (pending.TryPop(out var current))
        {
            if (seen.Add(current))
            {
                foreach (var dependency in Dependencies[current])
                {
                    pending.Push(dependency);
                }
            }
        }

        seen.Remove(name);
        return seen;
    }

    /// <summary>Problems with <c>needs</c>: unknown steps, a step that needs itself, and cycles.</summary>
    public static IEnumerable<DevFileError> Validate(IReadOnlyList<StepDefinition> steps)
    {
        var names = steps.Select(step => step.Name).ToHashSet(StringComparer.Ordinal);
        var errors = new List<DevFileError>();
        foreach (var step in steps)
        {
            foreach (var need in step.Needs ?? [])
            {
                if (need.Name == step.Name)
                {
                    errors.Add(new DevFileError(need.Location, $"step '{step.Name}' needs itself; remove it from its own 'needs'"));
                }
                else if (!names.Contains(need.Name))
                {
                    errors.Add(new DevFileError(need.Location, $"step '{step.Name}' needs '{need.Name}', which is not a step{Suggestions.DidYouMean(need.Name, names)}"));
                }
            }
        }

        if (errors.Count > 0)
        {
            return errors;
        }

        var dependencies = DependenciesOf(steps);
        if (FindCycle(steps, dependencies) is { } cycle)
        {
            var first = steps.First(step => step.Name == cycle[0]);
            errors.Add(new DevFileError(first.Location, $"steps wait for each other in a cycle: {string.Join(" -> ", cycle)}; "
                + "break it by removing one of these from a 'needs' (a step without 'needs' waits for every step above it)"));
        }

        return errors;
    }

    private static Dictionary<string, IReadOnlyList<string>> DependenciesOf(IReadOnlyList<StepDefinition> steps)
    {
        var dependencies = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);

        // The steps above the current one that no step above it waits for: waiting for them is waiting for all.
        // A linked list indexed by name, so taking a step out costs the same however many there are: with a list,
        // a chain of steps that each need the next one (none is ever taken out) made loading quadratic (issue 10, item 17).
        var unwaited = new LinkedList<string>();
        var unwaitedNodes = new Dictionary<string, LinkedListNode<string>>(StringComparer.Ordinal);
        IReadOnlyList<string> groupDependencies = [];
        StepDefinition? previous = null;
        foreach (var step in steps)
        {
            IReadOnlyList<string> waitsFor;
            if (step.Needs is { } needs)
            {
                waitsFor = needs.Select(need => need.Name).Distinct(StringComparer.Ordinal).ToList();
            }
            else if (previous is { Needs: null } && ((step.Parallel && previous.Parallel) || (step.Matrix is { } matrix && previous.Matrix?.Step == matrix.Step && previous.Location == step.Location)))
            {
                // Same run group as the step above, or an instance of the same matrix step (docs/devfile.md, "Matrix"):
                // wait for what the group waits for, not for each other.
                waitsFor = groupDependencies;
            }
            else
            {
                waitsFor = unwaited.ToList();
                groupDependencies = waitsFor;
            }

            dependencies[step.Name] = waitsFor;
            foreach (var name in waitsFor)
            {
                if (unwaitedNodes.Remove(name, out var node))
                {
                    unwaited.Remove(node);
                }
            }

            // A step named twice (reported by the loader) is kept once.
            if (!unwaitedNodes.ContainsKey(step.Name))
            {
                unwaitedNodes[step.Name] = unwaited.AddLast(step.Name);
            }

            previous = step;
        }

        return dependencies;
    }

    private static List<string>? TopologicalOrder(IReadOnlyList<StepDefinition> steps, Dictionary<string, IReadOnlyList<string>> dependencies)
    {
        var remaining = steps.ToDictionary(step => step.Name, step => dependencies[step.Name].Count, StringComparer.Ordinal);
        var dependents = steps.ToDictionary(step => step.Name, _ => new List<string>(), StringComparer.Ordinal);
        foreach (var step in steps)
        {
            foreach (var dependency in dependencies[step.Name])
            {
                dependents[dependency].Add(step.Name);
            }
        }

        var ready = new Queue<string>(steps.Where(step => remaining[step.Name] == 0).Select(step => step.Name));
        var order = new List<string>(steps.Count);
        while (ready.TryDequeue(out var name))
        {
            order.Add(name);
            foreach (var dependent in dependents[name])
            {
                if (--remaining[dependent] == 0)
                {
                    ready.Enqueue(dependent);
                }
            }
        }

        return order.Count == steps.Count ? order : null;
    }

    private static List<string>? FindCycle(IReadOnlyList<StepDefinition> steps, Dictionary<string, IReadOnlyList<string>> dependencies)
    {
        // Depth-first search; a step met again while still on the path closes a cycle. An explicit stack rather than
        // recursion: a chain of tens of thousands of needs would otherwise overflow the thread's stack.
        var state = new Dictionary<string, int>(StringComparer.Ordinal);
        var path = new List<string>();
        var pending = new Stack<(string Name, int Next)>();
        foreach (var step in steps)
        {
            if (state.GetValueOrDefault(step.Name) != 0)
            {
                continue;
            }

            state[step.Name] = 1;
            path.Add(step.Name);
            pending.Push((step.Name, 0));
            while (pending.TryPop(out var frame))
            {
                var waitsFor = dependencies[frame.Name];
                if (frame.Next == waitsFor.Count)
                {
                    path.RemoveAt(path.Count - 1);
                    state[frame.Name] = 2;
                    continue;
                }

                pending.Push((frame.Name, frame.Next + 1));
                var dependency = waitsFor[frame.Next];
                switch (state.GetValueOrDefault(dependency))
                {
                    case 1:
                        var start = path.IndexOf(dependency);
                        var cycle = path.Skip(start).Reverse().ToList();
                        cycle.Insert(0, dependency);
                        return cycle;
                    case 0:
                        state[dependency] = 1;
                        path.Add(dependency);
                        pending.Push((dependency, 0));
                        break;
                }
            }
        }

        return null;
    }
}
