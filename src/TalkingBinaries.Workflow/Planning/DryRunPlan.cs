using System.Text.Json;

namespace TalkingBinaries.Workflow.Planning;

/// <summary>What <c>tb run --dry-run</c> shows: the steps a run would start, in waves, worked out without starting any plugin.</summary>
/// <param name="DevFile">The DevFile's full path.</param>
/// <param name="MaxParallel">The most steps the run would run at once.</param>
/// <param name="Waves">The steps in the order they could start, grouped into waves whose steps could run together.</param>
public sealed record DryRunPlan(string DevFile, int MaxParallel, IReadOnlyList<DryRunWave> Waves);

/// <summary>Steps that could run together: everything they wait for is in earlier waves, and they are at most the run's limit.</summary>
/// <param name="Number">1 for the first wave.</param>
/// <param name="Steps">Its steps, in file order.</param>
public sealed record DryRunWave(int Number, IReadOnlyList<DryRunStep> Steps);

/// <summary>One step of a dry run: its plugin's executable, and its <c>if</c>, <c>timeout</c> and <c>config</c> as far as they can be known before the run.</summary>
/// <param name="Name">The step's name.</param>
/// <param name="Plugin">The ref of its plugin.</param>
/// <param name="WaitsFor">The steps it waits for directly.</param>
public sealed record DryRunStep(string Name, string Plugin, IReadOnlyList<string> WaitsFor)
{
    /// <summary>The executable the plugin resolves to; null when it comes from a package not installed yet (see <see cref="Installs"/>).</summary>
    public string? Executable { get; init; }

    /// <summary>The package a run would install first, to find the executable; null when nothing needs installing.</summary>
    public string? Installs { get; init; }

    /// <summary>The <c>description</c>; null when absent.</summary>
    public string? Description { get; init; }

    /// <summary>The <c>if</c> as written; null when the step has none.</summary>
    public string? If { get; init; }

    /// <summary>Whether the condition holds if every step before succeeds; null when it has none or it reads what is known only during the run.</summary>
    public bool? Runs { get; init; }

    /// <summary>The step's timeout (e.g. <c>30s</c>), or its template when it reads what is known only during the run; null for none.</summary>
    public string? Timeout { get; init; }

    /// <summary>Whether a failure of the step stops nothing (<c>continue_on_error</c>).</summary>
    public bool ContinueOnError { get; init; }

    /// <summary>Its <c>retry</c>; null when it has none.</summary>
    public RetrySummary? Retry { get; init; }

    /// <summary>For a matrix instance, its matrix step and values; null for other steps.</summary>
    public MatrixSummary? Matrix { get; init; }

    /// <summary>The config as the plugin would get it, secrets masked; an expression not known before the run is kept as written.</summary>
    public JsonElement Config { get; init; }

    /// <summary>For each expression not known before the run: where it is and why, e.g. <c>config/say: steps.a.outputs.x is known only once step 'a' has run</c>.</summary>
    public IReadOnlyList<string> Unknown { get; init; } = [];
}
