using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Planning;

/// <summary>The steps <c>tb run --step NAME</c> runs: the step and all it waits for; for a matrix step, all its instances and what they wait for.</summary>
internal static class StepSelection
{
    /// <summary>The names to run, in file order; every step when <paramref name="name"/> is null.</summary>
    /// <exception cref="DevFileException">No step, and no matrix step, has that name.</exception>
    public static List<string> Select(DevFile devFile, StepGraph graph, string? name)
    {
        if (name is null)
        {
            return [.. devFile.Steps.Select(step => step.Name)];
        }

        var chosen = devFile.Steps.Where(step => step.Name == name).Select(step => step.Name).ToList();
        if (chosen.Count == 0)
        {
            chosen = [.. devFile.Steps.Where(step => step.Matrix?.Step == name).Select(step => step.Name)];
        }

        if (chosen.Count == 0)
        {
            throw new DevFileException($"{devFile.Path}: there is no step '{name}' to run{Suggestions.DidYouMean(name, devFile.Steps.Select(step => step.Matrix?.Step ?? step.Name).Distinct(StringComparer.Ordinal))}");
        }

        var selected = chosen.SelectMany(graph.Closure).ToHashSet(StringComparer.Ordinal);
        return [.. devFile.Steps.Select(step => step.Name).Where(selected.Contains)];
    }
}
