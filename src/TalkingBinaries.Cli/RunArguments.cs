namespace TalkingBinaries.Cli;

/// <summary>The options of <c>tb run</c>.</summary>
internal sealed record RunArguments(string? File, string? Report, string Version)
{
    /// <summary>As written; null for the hosting default.</summary>
    /// <summary>Whom the run is for: this process, or a client of the tb server.</summary>
    public Invocation Invocation { get; init; } = Invocation.ThisProcess;

    public string? Grace { get; init; }

    /// <summary>Where to write the run's events as JSON lines (docs/devfile.md, "Events"); <c>-</c> for stdout.</summary>
    public string? Events { get; init; }

    public int? MaxParallel { get; init; }

    public string? Timeout { get; init; }

    public string? Step { get; init; }

    public IReadOnlyList<string> Variables { get; init; } = [];

    public IReadOnlyList<string> VarFiles { get; init; } = [];

    public bool Verbose { get; init; }

    public bool NoColor { get; init; }

    /// <summary>As written (<c>--output</c>): prefixed, grouped, or null for the default (grouped under GitHub Actions).</summary>
    public string? Output { get; init; }

    /// <summary>Refuse to run unless the lock file exists and pins every plugin (for CI).</summary>
    public bool Frozen { get; init; }

    /// <summary>Where to write the HTML timeline of the run (docs/devfile.md, "HTML timeline"); null for none.</summary>
    public string? ReportHtml { get; init; }

    /// <summary>Show what would run, without starting a plugin or installing a package.</summary>
    public bool DryRun { get; init; }

    /// <summary>Run only the matrix instances with these values, each <c>KEY=VALUE</c> (<c>--matrix</c>, repeatable).</summary>
    public IReadOnlyList<string> Matrix { get; init; } = [];

    /// <summary>Run again whenever a step's inputs or the DevFile change (<c>--watch</c>).</summary>
    public bool Watch { get; init; }

    /// <summary>Run every step, even the up-to-date ones (<c>--force</c>).</summary>
    public bool Force { get; init; }

    /// <summary>With <see cref="DryRun"/>, print the plan as JSON.</summary>
    public bool Json { get; init; }
}
