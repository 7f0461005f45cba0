using System.Collections.Concurrent;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Expressions;
using TalkingBinaries.Workflow.Planning;
using TalkingBinaries.Workflow.Plugins;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.UpToDate;

/// <summary>Which steps a run would run and why (<c>tb status</c>): the run's own check, with no plugin started and nothing written.</summary>
/// <remarks>
/// A step without <c>inputs</c> or <c>outputs</c> always runs; what waits for it is judged as if it gave what it gave
/// last time. A tracked step that would run makes what waits for it run too, since what it gives may change.
/// </remarks>
public static class UpToDateStatus
{
    /// <summary>Each step <paramref name="options"/> selects, in file order, with whether it would run and why.</summary>
    /// <exception cref="DevFileException">A plugin cannot be found, <see cref="RunOptions.Step"/> names no step, or <see cref="RunOptions.Matrix"/> matches no instance.</exception>
    public static IReadOnlyList<StepFreshness> Check(DevFile devFile, RunOptions options, out string? problem)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        ArgumentNullException.ThrowIfNull(options);
        var plugins = PluginResolver.Resolve(devFile, options.Locator);
        var executables = plugins.ToDictionary(plugin => plugin.Ref, plugin => plugin.Located.ExecutablePath, StringComparer.Ordinal);
        devFile = MatrixSelection.Apply(devFile, options.Matrix);
        var graph = StepGraph.Build(devFile.Steps);
        var selected = StepSelection.Select(devFile, graph, options.Step);
        var records = StateFile.For(devFile.Path).Read(out problem);
        var (given, secrets) = WorkflowRunner.Given(devFile, options);
        var variables = new VariableStore(given);
        var fingerprints = new Fingerprints(devFile, executables, options.Hashes, given);
        var finished = new ConcurrentDictionary<string, StepReport>(StringComparer.Ordinal);
        var expressions = new RunExpressions(variables, secrets, finished, options.Environment);
        var tokens = new Dictionary<string, string?>(StringComparer.Ordinal);
        var results = new Dictionary<string, StepFreshness>(StringComparer.Ordinal);
        var selectedSet = selected.ToHashSet(StringComparer.Ordinal);
        foreach (var name in graph.Order.Where(selectedSet.Contains))
        {
            var step = devFile.Step(name);
            var record = records.GetValueOrDefault(name);
            var (upToDate, reason) = Judge(step, record, graph.Dependencies[name], tokens, expressions, fingerprints, options.Force);
            results[name] = new StepFreshness(name, step.Plugin, upToDate, reason);
            if (upToDate)
            {
                finished[name] = new StepReport { Name = name, Plugin = step.Plugin, Status = StepStatus.UpToDate, Outputs = record!.Outputs };
                foreach (var (variable, value) in record.SetVariables)
                {
                    variables.Restore(variable, value, name);
                }

                tokens[name] = Fingerprints.Token(StepStatus.UpToDate, record.Fingerprint, record.Outputs, record.SetVariables);
            }
            else
            {
                // A tracked step that runs may give something new; an untracked one is taken to give what it gave before.
                tokens[name] = step.Tracked ? null : string.Empty;
            }
        }

        return [.. selected.Select(name => results[name])];
    }

    private static (bool UpToDate, string? Reason) Judge(
        StepDefinition step,
        StepRecord? record,
        IReadOnlyList<string> dependencies,
        Dictionary<string, string?> tokens,
        RunExpressions expressions,
        Fingerprints fingerprints,
        bool force)
    {
        if (!step.Tracked)
        {
            return (false, "it has no inputs or outputs");
        }

        if (force)
        {
            return (false, "--force");
        }

        var needs = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var dependency in dependencies)
        {
            switch (tokens[dependency])
            {
                case null:
                    return (false, $"step '{dependency}', which it waits for, runs first");
                case "":
                    // Untracked: it runs whatever happens; judge as if it gave what it gave last time.
                    if (record?.Needs.TryGetValue(dependency, out var last) != true)
                    {
                        return (false, record is null ? "it has not run successfully with these inputs and outputs" : $"step '{dependency}', which it waits for, is new");
                    }

                    needs[dependency] = last!;
                    break;
                case var token:
                    needs[dependency] = token;
                    break;
            }
        }

        System.Text.Json.JsonElement config;
        try
        {
            config = expressions.Config(step, new ExpressionStatus(AnyFailed: false, Cancelled: false));
        }
        catch (StepSetupException exception)
        {
            return (false, $"its config cannot be worked out before the run ({exception.Message})");
        }

        try
        {
            var check = fingerprints.Check(step, config, needs, record);
            return (check.UpToDate, check.Reason);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return (false, $"its inputs or outputs cannot be read ({exception.Message})");
        }
    }
}
