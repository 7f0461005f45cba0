namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>Where a plugin's processes run (<c>executor:</c> on a plugin entry or a step): here, or on a Slurm cluster.</summary>
/// <remarks>See docs/cluster.md. Two definitions that are equal share plugin processes; a step that differs from its plugin gets its own.</remarks>
public sealed record ExecutorDefinition
{
    /// <summary>This machine, as a child of tb (<c>executor: local</c>, the default).</summary>
    public static ExecutorDefinition Local { get; } = new();

    /// <summary>True for Slurm; false for this machine.</summary>
    public bool IsSlurm { get; init; }

    /// <summary><c>partition</c>.</summary>
    public string? Partition { get; init; }

    /// <summary><c>nodes</c>.</summary>
    public int? Nodes { get; init; }

    /// <summary><c>cpus_per_task</c>.</summary>
    public int? CpusPerTask { get; init; }

    /// <summary><c>mem</c>, as Slurm writes memory: <c>512M</c>, <c>4G</c>.</summary>
    public string? Memory { get; init; }

    /// <summary><c>time</c>, as Slurm writes a time limit: <c>10</c>, <c>1:30:00</c>.</summary>
    public string? Time { get; init; }

    /// <summary><c>account</c>.</summary>
    public string? Account { get; init; }

    /// <summary><c>extra_args</c>: more srun arguments.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];

    /// <summary><c>callback_address</c>: the address the nodes reach tb's host at.</summary>
    public string? CallbackAddress { get; init; }

    /// <summary>A short text that tells executors apart, as shown in messages: <c>local</c>, <c>slurm</c>, <c>slurm(partition=debug)</c>.</summary>
    public override string ToString()
    {
        if (!IsSlurm)
        {
            return "local";
        }

        var settings = new List<string>();
        void Add(string name, object? value)
        {
            if (value is not null)
            {
                settings.Add($"{name}={value}");
            }
        }

        Add("partition", Partition);
        Add("nodes", Nodes);
        Add("cpus_per_task", CpusPerTask);
        Add("mem", Memory);
        Add("time", Time);
        Add("account", Account);
        Add("callback_address", CallbackAddress);
        if (ExtraArguments.Count > 0)
        {
            settings.Add($"extra_args=[{string.Join(' ', ExtraArguments)}]");
        }

        return settings.Count == 0 ? "slurm" : $"slurm({string.Join(", ", settings)})";
    }

    /// <inheritdoc/>
    public bool Equals(ExecutorDefinition? other) => other is not null && ToString() == other.ToString();

    /// <inheritdoc/>
    public override int GetHashCode() => ToString().GetHashCode(StringComparison.Ordinal);
}
