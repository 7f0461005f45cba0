using System.Text.Json;
using TalkingBinaries.Hosting.Packages;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>A loaded and validated DevFile (docs/devfile.md).</summary>
/// <param name="Path">The file's full path.</param>
/// <param name="Plugins">The plugins it declares, by ref.</param>
/// <param name="Steps">Its steps in file order.</param>
public sealed record DevFile(string Path, IReadOnlyList<PluginDefinition> Plugins, IReadOnlyList<StepDefinition> Steps)
{
    // Made from Steps whenever Steps is set, so a `with { Steps = ... }` copy indexes its own steps (issue 9).
    private readonly IReadOnlyList<StepDefinition> _steps = Steps;
    private readonly Dictionary<string, StepDefinition> _stepsByName = IndexByName(Steps);

    /// <summary>Its steps in file order.</summary>
    public IReadOnlyList<StepDefinition> Steps
    {
        get => _steps;
        init => (_steps, _stepsByName) = (value, IndexByName(value));
    }

    /// <summary>The most steps that run at once (<c>max_parallel</c>); null for the default, the number of processors.</summary>
    public int? MaxParallel { get; init; }

    /// <summary>The <c>vars</c> block: initial global variables, by name.</summary>
    public IReadOnlyDictionary<string, JsonElement> Vars { get; init; } = new Dictionary<string, JsonElement>();

    /// <summary>The <c>secrets</c> list: environment variables read as <c>secrets.NAME</c> and masked in all output.</summary>
    public IReadOnlyList<string> Secrets { get; init; } = [];

    /// <summary>The file name every search looks for.</summary>
    public const string FileName = "DevFile";

    /// <summary>The directory relative plugin names and working directories resolve against.</summary>
    public string Directory => System.IO.Path.GetDirectoryName(Path)!;

    /// <summary>The plugin a ref names.</summary>
    public PluginDefinition Plugin(string reference) => Plugins.First(plugin => plugin.Ref == reference);

    /// <summary>The step a name names.</summary>
    /// <remarks>Looked up in a table made when the steps are set; a run of thousands of steps asks often.</remarks>
    /// <exception cref="KeyNotFoundException">No step has that name.</exception>
    public StepDefinition Step(string name) => _stepsByName[name];

    /// <summary>Whether <paramref name="other"/> holds the same path, plugins, steps and settings.</summary>
    public bool Equals(DevFile? other) =>
        // Written out so the step table, which follows from Steps, takes no part; a new property must be added here too.
        other is not null
        && Path == other.Path
        && Equals(Plugins, other.Plugins)
        && Equals(Steps, other.Steps)
        && MaxParallel == other.MaxParallel
        && Equals(Vars, other.Vars)
        && Equals(Secrets, other.Secrets);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Path, Plugins, Steps, MaxParallel, Vars, Secrets);

    // The first of two steps with one name wins; the loader has already reported the duplicate.
    private static Dictionary<string, StepDefinition> IndexByName(IReadOnlyList<StepDefinition> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var byName = new Dictionary<string, StepDefinition>(steps.Count, StringComparer.Ordinal);
        foreach (var step in steps)
        {
            byName.TryAdd(step.Name, step);
        }

        return byName;
    }
}

/// <summary>The wire format a plugin speaks.</summary>
public enum PluginProtocol
{
    /// <summary>Protocol v1: JSON-RPC over newline-delimited JSON (docs/protocol.md).</summary>
    V1,

    /// <summary>The Go prototype's format: one request, one base64 response (docs/protocol.md, "The seed format").</summary>
    Seed,
}

/// <summary>An entry of <c>plugins:</c>.</summary>
/// <param name="Ref">The name steps use for it (<c>ref</c>), unique within the file.</param>
/// <param name="Name">A path with a <c>/</c> relative to the DevFile's directory, or a bare name looked up on PATH (<c>name</c>); null when absent.</param>
/// <param name="Path">An explicit path to the executable that takes precedence over <paramref name="Name"/> (<c>path</c>); null when absent.</param>
/// <param name="Protocol">The wire format it speaks (<c>protocol</c>).</param>
/// <param name="Location">Where the entry starts.</param>
public sealed record PluginDefinition(string Ref, string? Name, string? Path, PluginProtocol Protocol, SourceLocation Location)
{
    /// <summary>False to give every step a process of its own even if the plugin is warm (<c>warm: false</c>).</summary>
    public bool Warm { get; init; } = true;

    /// <summary>The package the plugin is installed from (<c>source</c>), instead of a name or path.</summary>
    public PackageSource? Source { get; init; }

    /// <summary>Where its processes run (<c>executor</c>): here by default, or on Slurm (docs/cluster.md).</summary>
    public ExecutorDefinition Executor { get; init; } = ExecutorDefinition.Local;

    /// <summary>The SHA-256 the plugin must have (<c>sha256</c>), in lower-case hex; checked before it runs.</summary>
    public string? Sha256 { get; init; }
}

/// <summary>An entry of <c>steps:</c>.</summary>
/// <param name="Name">Unique within the file.</param>
/// <param name="Plugin">The ref of a declared plugin.</param>
/// <param name="Config">The free-form <c>config</c> map as a JSON object.</param>
/// <param name="Parallel">The seed's <c>parallel</c> flag.</param>
/// <param name="Location">Where the step starts.</param>
public sealed record StepDefinition(string Name, string Plugin, JsonElement Config, bool Parallel, SourceLocation Location)
{
    /// <summary>The steps this one waits for (<c>needs</c>); null when it has none and file order decides.</summary>
    public IReadOnlyList<StepReference>? Needs { get; init; }

    /// <summary>How long the step may run before it is stopped and fails (<c>timeout</c>).</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>A failure of this step neither stops the run nor blocks the steps that need it (<c>continue_on_error</c>).</summary>
    public bool ContinueOnError { get; init; }

    /// <summary>Where this step's plugin process runs, when not where its plugin's do (<c>executor</c>); null to follow the plugin.</summary>
    public ExecutorDefinition? Executor { get; init; }

    /// <summary>What the step is for, in a line (<c>description</c>), shown by <c>tb list</c>; null when absent.</summary>
    public string? Description { get; init; }

    /// <summary>How the step runs again when it fails (<c>retry</c>); null to run it once.</summary>
    public RetryPolicy? Retry { get; init; }

    /// <summary>The files the step reads (<c>inputs</c>), relative to the DevFile; null when it declares none.</summary>
    /// <remarks>A step with <c>inputs</c> or <c>outputs</c> is skipped as up to date when neither they nor its config changed (docs/devfile.md, "Up to date").</remarks>
    public UpToDate.FileSet? Inputs { get; init; }

    /// <summary>The files the step makes (<c>outputs</c>), relative to the DevFile; null when it declares none.</summary>
    public UpToDate.FileSet? OutputFiles { get; init; }

    /// <summary>Whether the step declares <c>inputs</c> or <c>outputs</c>, so it can be up to date.</summary>
    public bool Tracked => Inputs is not null || OutputFiles is not null;

    /// <summary>The matrix step this step is an instance of, and its values; null for a step without <c>matrix</c>.</summary>
    public MatrixInstance? Matrix { get; init; }

    /// <summary>The <c>if</c> condition; null to run when everything it waits for succeeded.</summary>
    internal TemplateSource? If { get; init; }

    /// <summary>The <c>timeout</c> when it holds an expression, worked out when the step starts.</summary>
    internal TemplateSource? TimeoutTemplate { get; init; }

    /// <summary>The strings of <c>config</c> that hold <c>${{ }}</c> expressions.</summary>
    internal IReadOnlyList<TemplateSource> ConfigTemplates { get; init; } = [];
}

/// <summary>A DevFile string that holds <c>${{ }}</c> expressions, with where it is.</summary>
/// <param name="Place">Where in the step it is: <c>if</c>, <c>timeout</c>, or a JSON pointer into <c>config</c> such as <c>/env/NAME</c>.</param>
/// <param name="Text">The string as written (without YAML quoting).</param>
/// <param name="Location">Where its first character is.</param>
/// <param name="SingleLine">Whether positions in <paramref name="Text"/> map to columns of one line.</param>
internal sealed record TemplateSource(string Place, string Text, SourceLocation Location, bool SingleLine)
{
    /// <summary>The place of the character at <paramref name="position"/> in <see cref="Text"/>.</summary>
    public SourceLocation At(int position) => SingleLine ? Location with { Column = Location.Column + position } : Location;
}

/// <summary>A step named in another step's <c>needs</c>, with where it was named.</summary>
/// <param name="Name">The name of the step waited for.</param>
/// <param name="Location">Where the name is written.</param>
public sealed record StepReference(string Name, SourceLocation Location);
