using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>A step's <c>matrix</c>: read, checked and expanded into one step per combination (docs/devfile.md, "Matrix").</summary>
public static partial class DevFileLoader
{
    /// <summary>The most instances one matrix may make; more is almost always a mistake, and each is a process.</summary>
    internal const int MaxMatrixInstances = 256;

    private static readonly string[] MatrixLists = ["include", "exclude"];

    /// <summary>The combinations of a <c>matrix</c> node, each a list of values in key order; null, with errors, when it is not valid.</summary>
    private static List<List<MatrixValue>>? ReadMatrix(Context context, YamlNode node)
    {
        if (node is not YamlMappingNode mapping)
        {
            context.Error(node.Start, "'matrix' must be a mapping of keys to lists of values, e.g. 'matrix: { os: [linux, mac] }'");
            return null;
        }

        var errors = context.Errors.Count;
        var keys = new List<(string Key, List<MatrixValue> Values)>();
        YamlNode? include = null;
        YamlNode? exclude = null;
        foreach (var (keyNode, value) in mapping.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (key == "include")
            {
                include = value;
            }
            else if (key == "exclude")
            {
                exclude = value;
            }
            else if (MatrixKey(context, keyNode, key) && ReadMatrixValues(context, key, value) is { } values)
            {
                keys.Add((key, values));
            }
        }

        var includes = include is null ? [] : ReadCombinations(context, include, "include", null);
        var excludes = exclude is null ? [] : ReadCombinations(context, exclude, "exclude", keys.Select(key => key.Key).ToList());
        if (context.Errors.Count > errors)
        {
            return null;
        }

        if (keys.Count == 0 && includes.Count == 0)
        {
            context.Error(node.Start, "'matrix' has no keys; give at least one key with a list of values, e.g. 'os: [linux, mac]'");
            return null;
        }

        // Counted before the combinations are made, so a matrix of millions fails without building them.
        var product = 1L;
        foreach (var (_, values) in keys)
        {
            product = Math.Min(product * values.Count, int.MaxValue);
        }

        if (keys.Count > 0 && product + includes.Count > MaxMatrixInstances * 16L)
        {
            context.Error(node.Start, MatrixTooLarge(product + includes.Count));
            return null;
        }

        var combinations = new List<List<MatrixValue>>();
        if (keys.Count > 0)
        {
            combinations.Add([]);
            foreach (var (_, values) in keys)
            {
                combinations = [.. combinations.SelectMany(combination => values.Select(value => (List<MatrixValue>)[.. combination, value]))];
            }
        }

        // As GitHub Actions does: exclude first, then include; an include that matches original combinations on
        // every original key it names adds its other keys to them, and one that matches none is a combination of its own.
        combinations.RemoveAll(combination => excludes.Any(excluded => Matches(combination, excluded, _ => true)));
        var original = keys.Select(key => key.Key).ToHashSet(StringComparer.Ordinal);
        var originalCount = combinations.Count;
        foreach (var included in includes)
        {
            var matched = false;
            for (var index = 0; index < originalCount && original.Count > 0; index++)
            {
                if (Matches(combinations[index], included, original.Contains))
                {
                    matched = true;
                    foreach (var value in included.Where(value => !original.Contains(value.Key)))
                    {
                        combinations[index].RemoveAll(existing => existing.Key == value.Key);
                        combinations[index].Add(value);
                    }
                }
            }

            if (!matched)
            {
                combinations.Add([.. included]);
            }
        }

        if (combinations.Count == 0)
        {
            context.Error(node.Start, "the matrix's 'exclude' removes every combination, so the step would never run; exclude less or remove the step");
            return null;
        }

        if (combinations.Count > MaxMatrixInstances)
        {
            context.Error(node.Start, MatrixTooLarge(combinations.Count));
            return null;
        }

        // Values in key order as written: the matrix's keys, then keys that only 'include' adds, in the order they first appear.
        var order = keys.Select(key => key.Key).Concat(includes.SelectMany(included => included.Select(value => value.Key))).Distinct(StringComparer.Ordinal).ToList();
        return [.. combinations.Select(combination => combination.OrderBy(value => order.IndexOf(value.Key)).ToList())];
    }

    /// <summary>The instances of <paramref name="step"/>, one per combination, each named <c>step (a, 1)</c>.</summary>
    private static IEnumerable<StepDefinition> ExpandMatrix(StepDefinition step, List<List<MatrixValue>> combinations) =>
        combinations.Select(values => step with
        {
            Name = $"{step.Name} ({string.Join(", ", values.Select(value => value.Text))})",
            Matrix = new MatrixInstance(step.Name, values),
        });

    /// <summary>Replaces each <c>needs</c> entry that names a matrix step by the names of all its instances.</summary>
    private static void ExpandMatrixNeeds(List<StepDefinition> steps)
    {
        var instances = steps.Where(step => step.Matrix is not null).GroupBy(step => step.Matrix!.Step, StringComparer.Ordinal)
            .ToDictionary(group => group.Key, group => group.Select(step => step.Name).ToList(), StringComparer.Ordinal);
        if (instances.Count == 0)
        {
            return;
        }

        var names = steps.Select(step => step.Name).ToHashSet(StringComparer.Ordinal);
        for (var index = 0; index < steps.Count; index++)
        {
            var step = steps[index];
            if (step.Needs is not { } needs || !needs.Any(need => !names.Contains(need.Name) && instances.ContainsKey(need.Name)))
            {
                continue;
            }

            steps[index] = step with
            {
                Needs = [.. needs.SelectMany(need => !names.Contains(need.Name) && instances.TryGetValue(need.Name, out var all)
                    ? all.Select(instance => need with { Name = instance })
                    : [need])],
            };
        }
    }

    private static string MatrixTooLarge(long count) =>
        $"the matrix makes {(count >= int.MaxValue ? "over 2 billion" : count.ToString("N0", CultureInfo.InvariantCulture))} instances, more than {MaxMatrixInstances}; use fewer values, 'exclude', or split the step";

    private static bool MatrixKey(Context context, YamlNode keyNode, string key)
    {
        if (Variables.VariableNames.IsValid(key))
        {
            return true;
        }

        context.Error(keyNode.Start, $"'{key}' is not a matrix key; use letters, digits, '_' and '-', starting with a letter or '_' (as for variables)");
        return false;
    }

    private static List<MatrixValue>? ReadMatrixValues(Context context, string key, YamlNode node)
    {
        if (node is not YamlSequenceNode sequence)
        {
            context.Error(node.Start, $"matrix key '{key}' must be a list of values, e.g. '{key}: [a, b]'");
            return null;
        }

        if (sequence.Children.Count == 0)
        {
            context.Error(node.Start, $"matrix key '{key}' has no values; give at least one, or remove the key");
            return null;
        }

        var values = new List<MatrixValue>();
        foreach (var item in sequence.Children)
        {
            if (ReadMatrixValue(context, key, item) is not { } value)
            {
                continue;
            }

            if (values.Any(existing => existing.Text == value.Text))
            {
                context.Error(item.Start, $"matrix key '{key}' lists '{value.Text}' twice; list each value once");
                continue;
            }

            values.Add(value);
        }

        return values;
    }

    private static MatrixValue? ReadMatrixValue(Context context, string key, YamlNode node)
    {
        if (node is not YamlScalarNode scalar || scalar.Value is null
            || (scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any && scalar.Value is "" or "~" or "null" or "Null" or "NULL"))
        {
            context.Error(node.Start, $"matrix values must be strings, numbers or booleans; '{key}' has {(node is YamlScalarNode ? "null" : "a list or mapping")} here");
            return null;
        }

        // The value is part of the instance's name, shown in every message: printable characters only.
        return context.Printable(node, scalar.Value, key) ? new MatrixValue(key, scalar.Value, YamlJson.ToJson(scalar, context.File)) : null;
    }

    /// <summary>The entries of <c>include</c> or <c>exclude</c>: mappings of keys to single values; <paramref name="keys"/>, when given, are the only keys allowed.</summary>
    private static List<List<MatrixValue>> ReadCombinations(Context context, YamlNode node, string list, List<string>? keys)
    {
        var combinations = new List<List<MatrixValue>>();
        foreach (var item in context.Sequence(node, list))
        {
            if (item is not YamlMappingNode entry || entry.Children.Count == 0)
            {
                context.Error(item.Start, $"each entry of '{list}' must be a mapping of matrix keys to values, e.g. '- {{ os: linux, level: 1 }}'");
                continue;
            }

            var combination = new List<MatrixValue>();
            foreach (var (keyNode, valueNode) in entry.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
                if (!MatrixKey(context, keyNode, key))
                {
                    continue;
                }

                if (MatrixLists.Contains(key) || (keys is not null && !keys.Contains(key)))
                {
                    context.Error(keyNode.Start, $"'{list}' names '{key}', which is not a key of this matrix (keys: {string.Join(", ", keys ?? [])}){Suggestions.DidYouMean(key, keys ?? [])}");
                    continue;
                }

                if (ReadMatrixValue(context, key, valueNode) is { } value)
                {
                    combination.Add(value);
                }
            }

            combinations.Add(combination);
        }

        return combinations;
    }

    /// <summary>Whether <paramref name="combination"/> has every value of <paramref name="partial"/> whose key <paramref name="compared"/> accepts.</summary>
    private static bool Matches(List<MatrixValue> combination, List<MatrixValue> partial, Func<string, bool> compared) =>
        partial.Where(value => compared(value.Key)).All(value => combination.Any(existing => existing.Key == value.Key && existing.Text == value.Text));
}
