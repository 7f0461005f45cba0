namespace TalkingBinaries.Hosting.Slurm;

/// <summary>How a plugin runs on a Slurm cluster: the resources its <c>srun</c> asks for (docs/cluster.md).</summary>
public sealed record SlurmOptions
{
    /// <summary>The partition (<c>--partition</c>); the cluster's default when null.</summary>
    public string? Partition { get; init; }

    /// <summary>How many nodes (<c>--nodes</c>); 1 when null. The plugin runs once, on the first of them.</summary>
    public int? Nodes { get; init; }

    /// <summary>CPUs for the plugin (<c>--cpus-per-task</c>).</summary>
    public int? CpusPerTask { get; init; }

    /// <summary>Memory per node (<c>--mem</c>), as Slurm writes it: <c>512M</c>, <c>4G</c>.</summary>
    public string? Memory { get; init; }

    /// <summary>Time limit (<c>--time</c>), as Slurm writes it: <c>10</c> (minutes), <c>1:30:00</c>.</summary>
    public string? Time { get; init; }

    /// <summary>The account charged (<c>--account</c>).</summary>
    public string? Account { get; init; }

    /// <summary>More <c>srun</c> arguments, passed as they are, before the command.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary>The <c>srun</c> executable; <c>srun</c> on PATH by default.</summary>
    public string Srun { get; init; } = "srun";

    /// <summary>What runs on the node to relay the plugin's stdio back to this host (a <c>tb</c> on a path the nodes see, and <c>relay</c>).</summary>
    public required IReadOnlyList<string> Relay { get; init; }

    /// <summary>The address the nodes connect back to; the address this host's name resolves to when null.</summary>
    public string? CallbackAddress { get; init; }

    /// <summary>The <c>srun</c> arguments these options ask for, before <c>--</c> and the command.</summary>
    /// <param name="jobName">What <c>squeue</c> calls the job.</param>
    /// <param name="insideAllocation">Whether the host runs inside an allocation (<c>salloc</c>, <c>sbatch</c>), where srun makes job steps.</param>
    public IReadOnlyList<string> SrunArguments(string jobName, bool insideAllocation)
    {
        // --input=none: the plugin's stdin comes through the relay, not through srun's own forwarding (it stalls, docs/cluster.md).
        var arguments = new List<string> { "--quiet", "--ntasks=1", $"--nodes={Nodes ?? 1}", "--input=none", $"--job-name={jobName}" };

        // A warm plugin holds its job step for the whole run; without --overlap the next plugin's step would wait for it.
        if (insideAllocation)
        {
            arguments.Add("--overlap");
        }

        void Add(string option, object? value)
        {
            if (value is not null)
            {
                arguments.Add($"--{option}={value}");
            }
        }

        Add("partition", Partition);
        Add("cpus-per-task", CpusPerTask);
        Add("mem", Memory);
        Add("time", Time);
        Add("account", Account);
        arguments.AddRange(ExtraArguments);
        return arguments;
    }
}
