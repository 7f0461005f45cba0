using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Plugins;
using TalkingBinaries.Workflow.Running;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Planning;

/// <summary>Works out what a run would do, without starting a plugin or installing a package (<c>tb run --dry-run</c>).</summary>
public static class DryRun
{
    /// <summary>The plan of a run of <paramref name="devFile"/> with <paramref name="options"/>: the same steps, limit and variables a run would take.</summary>
    /// <exception cref="DevFileException">A plugin cannot be found, <see cref="RunOptions.Step"/> names no step, or an expression fails with values known before the run; each error names its line.</exception>
    public static DryRunPlan Plan(DevFile devFile, RunOptions options)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        ArgumentNullException.ThrowIfNull(options);
        devFile = MatrixSelection.Apply(devFile, options.Matrix);
        var graph = StepGraph.Build(devFile.Steps);
        var selected = StepSelection.Select(devFile, graph, options.Step).ToHashSet(StringComparer.Ordinal);

        // A plugin from a package not installed yet would be installed when the run starts; a dry run only says so.
        var missing = options.Locator.Packages is { } cache ? PluginResolver.Missing(devFile, cache) : [];
        var installs = missing.ToDictionary(plugin => plugin.Ref, plugin => plugin.Source!.ToString(), StringComparer.Ordinal);
        var executables = PluginResolver.Resolve(devFile with { Plugins = devFile.Plugins.Where(plugin => !installs.ContainsKey(plugin.Ref)).ToList() }, options.Locator)
            .ToDictionary(plugin => plugin.Ref, plugin => plugin.Located.ExecutablePath, StringComparer.Ordinal);

        var variables = new Dictionary<string, System.Text.Json.JsonElement>(devFile.Vars, StringComparer.Ordinal);
        foreach (var (name, value) in options.Variables)
        {
            variables[name] = value;
        }

        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in devFile.Secrets)
        {
            if (ProcessEnvironment.Variable(options.Environment, name) is { } value)
            {
                secrets[name] = value;
            }
        }

        foreach (var (name, value) in options.Secrets)
        {
            secrets[name] = value;
        }

        var masker = new SecretMasker();
        foreach (var value in secrets.Values)
        {
            masker.Add(value);
        }

        var expressions = new DryRunExpressions(variables, secrets, options.Environment);
        var maxParallel = Math.Max(1, options.MaxParallel ?? devFile.MaxParallel ?? Environment.ProcessorCount);

        // A step's wave in the graph is one more than the latest it waits for; a wave wider than the limit is cut in
        // file order, as the scheduler starts ready steps in file order.
        var waves = new List<DryRunWave>();
        foreach (var level in graph.WaveMembers.OrderBy(pair => pair.Key))
        {
            foreach (var chunk in level.Value.Where(selected.Contains).Chunk(maxParallel))
            {
                waves.Add(new DryRunWave(waves.Count + 1, chunk.Select(step => Describe(devFile.Step(step), graph, executables, installs, expressions, masker)).ToList()));
            }
        }

        return expressions.Errors.Count > 0
            ? throw new DevFileException(expressions.Errors)
            : new DryRunPlan(devFile.Path, maxParallel, waves);
    }

    private static DryRunStep Describe(StepDefinition step, StepGraph graph, Dictionary<string, string> executables, Dictionary<string, string> installs, DryRunExpressions expressions, SecretMasker masker)
    {
        var unknown = new List<string>();
        expressions.Enter(step);
        bool? runs = null;
        if (step.If is { } condition && expressions.Resolve(condition, unknown, "if") is { } value)
        {
            runs = Expressions.Truthiness.IsTruthy(value);
        }

        var timeout = step.Timeout is { } fixedTimeout ? Durations.Format(fixedTimeout) : null;
        if (step.TimeoutTemplate is { } template)
        {
            timeout = template.Text;
            if (expressions.Resolve(template, unknown, "timeout") is { } resolved)
            {
                var text = resolved.ValueKind == System.Text.Json.JsonValueKind.String ? resolved.GetString()! : resolved.GetRawText();
                if (Durations.TryParse(text, out var duration) && duration > TimeSpan.Zero)
                {
                    timeout = Durations.Format(duration);
                }
                else
                {
                    expressions.Errors.Add(new DevFileError(template.Location, $"'timeout' comes out as '{masker.Apply(text)}', which is not a duration above zero such as 30s, 2m or 500ms; the step would fail when it starts"));
                }
            }
        }

        return new DryRunStep(step.Name, step.Plugin, graph.Dependencies[step.Name])
        {
            Executable = executables.GetValueOrDefault(step.Plugin),
            Installs = installs.GetValueOrDefault(step.Plugin),
            Description = step.Description,
            If = step.If?.Text,
            Runs = runs,
            Timeout = timeout,
            ContinueOnError = step.ContinueOnError,
            Retry = RetrySummary.Of(step.Retry),
            Matrix = MatrixSummary.Of(step.Matrix),
            Config = masker.Apply(expressions.Config(step, unknown)),
            Unknown = unknown,
        };
    }
}
