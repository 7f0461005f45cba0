using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>Reading <c>executor:</c>, on a plugin entry or a step (docs/cluster.md).</summary>
public static partial class DevFileLoader
{
    private static readonly string[] Executors = ["local", "slurm"];
    private static readonly string[] SlurmKeys = ["partition", "nodes", "cpus_per_task", "mem", "time", "account", "extra_args", "callback_address"];

    /// <summary>The executor <paramref name="node"/> names, or null (after an error) when it names none.</summary>
    private static ExecutorDefinition? ReadExecutor(Context context, YamlNode node)
    {
        const string Example = "write 'executor: local', 'executor: slurm', or 'executor: { slurm: { partition: debug } }'";
        if (node is YamlScalarNode { Value: var name })
        {
            switch (name)
            {
                case "local":
                    return ExecutorDefinition.Local;
                case "slurm":
                    return new ExecutorDefinition { IsSlurm = true };
                default:
                    context.Error(node.Start, $"unknown executor '{name}'; {Example}{Suggestions.DidYouMean(name ?? string.Empty, Executors)}");
                    return null;
            }
        }

        if (node is not YamlMappingNode { Children.Count: 1 } mapping || mapping.Children.First().Key is not YamlScalarNode { Value: "slurm" or "local" } key)
        {
            context.Error(node.Start, $"'executor' names one executor; {Example}");
            return null;
        }

        if (key.Value == "local")
        {
            return ExecutorDefinition.Local;
        }

        var settings = mapping.Children.First().Value;
        if (settings is YamlScalarNode { Value: null or "" or "~" or "null" })
        {
            return new ExecutorDefinition { IsSlurm = true };
        }

        if (context.Mapping(settings, "the slurm settings", "partition: debug") is not { } slurm)
        {
            return null;
        }

        var fields = context.Fields(slurm, SlurmKeys, "in the slurm settings");
        int? Count(string field)
        {
            if (context.OptionalString(fields, field) is not { } text)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count) && count > 0)
            {
                return count;
            }

            context.Error(fields[field].Start, $"'{field}' must be a whole number of at least 1, not '{text}'");
            return null;
        }

        var extra = new List<string>();
        if (fields.TryGetValue("extra_args", out var extraNode))
        {
            foreach (var item in context.Sequence(extraNode, "extra_args"))
            {
                if (context.Scalar(item, "extra_args") is { } argument)
                {
                    extra.Add(argument);
                }
            }
        }

        var nodes = Count("nodes");
        if (nodes is > 1)
        {
            context.Error(fields["nodes"].Start, "'nodes' must be 1: a plugin is one process, and runs on one node (parallel steps may spread over nodes on their own)");
        }

        return new ExecutorDefinition
        {
            IsSlurm = true,
            Partition = context.OptionalString(fields, "partition"),
            Nodes = nodes,
            CpusPerTask = Count("cpus_per_task"),
            Memory = context.OptionalString(fields, "mem"),
            Time = context.OptionalString(fields, "time"),
            Account = context.OptionalString(fields, "account"),
            ExtraArguments = extra,
            CallbackAddress = context.OptionalString(fields, "callback_address"),
        };
    }
}
