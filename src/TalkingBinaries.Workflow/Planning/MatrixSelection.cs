using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Planning;

/// <summary>Keeps only the matrix instances whose values <c>tb run --matrix KEY=VALUE</c> asks for (docs/devfile.md, "Matrix").</summary>
/// <remarks>
/// A key given more than once keeps instances with any of its values; different keys must all match. Steps without
/// a matrix, and instances without the key, are kept. A step that needs a dropped instance no longer waits for it.
/// </remarks>
internal static class MatrixSelection
{
    /// <summary>The DevFile with the instances the filters do not match taken out.</summary>
    /// <exception cref="DevFileException">A filter is not KEY=VALUE, or names a key or value no instance has.</exception>
    public static DevFile Apply(DevFile devFile, IReadOnlyList<string> filters)
    {
        if (filters.Count == 0)
        {
            return devFile;
        }

        var instances = devFile.Steps.Where(step => step.Matrix is not null).ToList();
        var wanted = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        foreach (var filter in filters)
        {
            var equals = filter.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new DevFileException($"--matrix '{filter}' must be KEY=VALUE, e.g. --matrix os=linux");
            }

            var (key, value) = (filter[..equals], filter[(equals + 1)..]);
            var values = instances.Select(step => step.Matrix!.Text(key)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
            if (values.Count == 0)
            {
                var keys = instances.SelectMany(step => step.Matrix!.Values.Select(known => known.Key)).Distinct(StringComparer.Ordinal).ToList();
                throw new DevFileException(keys.Count == 0
                    ? $"--matrix {filter}: {devFile.Path} has no matrix step; remove --matrix"
                    : $"--matrix {filter}: no matrix step has the key '{key}' (keys: {string.Join(", ", keys)}){Suggestions.DidYouMean(key, keys)}");
            }

            if (!values.Contains(value))
            {
                throw new DevFileException($"--matrix {filter}: no instance has {key}={value} (values of {key}: {string.Join(", ", values)}){Suggestions.DidYouMean(value, values)}");
            }

            if (!wanted.TryGetValue(key, out var accepted))
            {
                wanted[key] = accepted = new HashSet<string>(StringComparer.Ordinal);
            }

            accepted.Add(value);
        }

        var dropped = instances.Where(step => wanted.Any(pair => step.Matrix!.Text(pair.Key) is { } text && !pair.Value.Contains(text)))
            .Select(step => step.Name).ToHashSet(StringComparer.Ordinal);
        return devFile with
        {
            Steps = [.. devFile.Steps.Where(step => !dropped.Contains(step.Name)).Select(step => step.Needs is { } needs && needs.Any(need => dropped.Contains(need.Name))
                ? step with { Needs = [.. needs.Where(need => !dropped.Contains(need.Name))] }
                : step)],
        };
    }
}
