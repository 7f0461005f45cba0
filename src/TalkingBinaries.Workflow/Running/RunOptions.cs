using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Workflow.Plugins;

namespace TalkingBinaries.Workflow.Running;

/// <summary>How to run a workflow: which steps, how many at once, for how long, with which variables.</summary>
/// <remarks>How plugins are treated (timeouts, grace, restarts) is <see cref="Hosting"/>; cancellation is passed to <see cref="WorkflowRunner.RunAsync"/>.</remarks>
public sealed record RunOptions
{
    /// <summary>Finds plugin executables.</summary>
    public PluginLocator Locator { get; init; } = PluginLocator.ForCurrentProcess();

    /// <summary>How plugins are started, waited for and stopped.</summary>
    public HostingOptions Hosting { get; init; } = HostingOptions.Default;

    /// <summary>The most steps that run at once; null for the DevFile's <c>max_parallel</c>, else the number of processors.</summary>
    public int? MaxParallel { get; init; }

    /// <summary>How long the whole run may take; null for no limit.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Variables from the command line and var-files; they override the DevFile's <c>vars</c>.</summary>
    public IReadOnlyDictionary<string, JsonElement> Variables { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>Secrets from var-files, by name; seen as <c>secrets.NAME</c> and masked in all output.</summary>
    public IReadOnlyDictionary<string, string> Secrets { get; init; } = new Dictionary<string, string>();

    /// <summary>The most bytes of step outputs the run keeps (64 MiB); a step past it keeps none (docs/devfile.md, "Output limits").</summary>
    public long MaxOutputBytes { get; init; } = DefaultMaxOutputBytes;

    /// <summary>The default of <see cref="MaxOutputBytes"/>: 64 MiB.</summary>
    public const long DefaultMaxOutputBytes = 64L * 1024 * 1024;

    /// <summary>The run's environment: plugins start with it, and <c>env</c> and the DevFile's <c>secrets</c> read it; this process's when null.</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; init; }

    /// <summary>Warm plugin processes to use and keep for the next run (<c>tb run --watch</c>); null to stop them when the run ends.</summary>
    public WarmPlugins? WarmPlugins { get; init; }

    /// <summary>Run every step, even those up to date (<c>tb run --force</c>); they are still recorded in <c>.tb/</c>.</summary>
    public bool Force { get; init; }

    /// <summary>Run only this step and the steps it waits for; null for every step.</summary>
    public string? Step { get; init; }

    /// <summary>Run only the matrix instances with these values, each <c>KEY=VALUE</c> (<c>tb run --matrix</c>); other steps are unaffected.</summary>
    public IReadOnlyList<string> Matrix { get; init; } = [];

    /// <summary>What runs on a Slurm node to relay a plugin's stdio back (a <c>tb</c> the nodes can run, and <c>relay</c>); needed by plugins on Slurm.</summary>
    public IReadOnlyList<string>? SlurmRelay { get; init; }

    /// <summary>The DevFile's lock file, if it has one: every plugin it pins is checked before anything runs.</summary>
    public PluginLock? Lock { get; init; }

    /// <summary>Refuse to run without a <see cref="Lock"/> that pins every plugin as the DevFile declares it (<c>tb run --frozen</c>, for CI).</summary>
    public bool Frozen { get; init; }

    /// <summary>Hashes plugins whose hash is pinned (by <see cref="Lock"/> or a <c>sha256:</c> key), remembering what it hashed.</summary>
    public PluginHashes Hashes { get; init; } = PluginHashes.ForCurrentUser();
}
