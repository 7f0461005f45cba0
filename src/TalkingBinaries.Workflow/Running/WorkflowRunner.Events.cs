using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Running;

/// <summary>The run's plugin pools, and what their plugins say while steps run.</summary>
public sealed partial class WorkflowRunner
{
    /// <summary>A pool for each protocol-v1 plugin the run uses; the first few are started ahead of their first step.</summary>
    private List<Task> StartPools(CancellationToken stop)
    {
        var used = _selected.Select(name => _devFile.Step(name).Plugin).Distinct(StringComparer.Ordinal)
            .Select(_devFile.Plugin).Where(plugin => plugin.Protocol == PluginProtocol.V1).ToList();
        foreach (var plugin in used)
        {
            var reference = plugin.Ref;
            _pools[reference] = new PluginPool(
                StartInfo(plugin, _executables[reference], pluginEvent => RouteEvent(reference, pluginEvent)),
                new PluginPoolOptions { Host = _options.Host, Stop = _options.Stop, OneShot = !plugin.Warm });
        }

        // Pre-warm, bounded by the run's parallelism: start-up overlaps other plugins' start-up and earlier steps.
        // Each from a thread-pool thread, so spawning one plugin (and the host's first use of JSON) does not hold back
        // the next: on the root DevFile the second plugin starts about 2 ms sooner (bench/run.sh, figure 2).
        return used.Take(MaxParallel).Select(plugin => Task.Run(() => _pools[plugin.Ref].WarmUpAsync(stop))).ToList();
    }

    /// <summary>Hands a pooled plugin's event to the step it is about, or shows it as the plugin's own.</summary>
    private void RouteEvent(string plugin, PluginEvent pluginEvent)
    {
        if (pluginEvent.StepId is { } stepId && _selectedSet.Contains(stepId))
        {
            Relay(_devFile.Step(stepId), pluginEvent);
        }
        else if (pluginEvent is PluginLogEvent line)
        {
            _observer.PluginLog(plugin, _masker.IsEmpty ? line : line with { Text = _masker.Apply(line.Text) });
        }
        else if (pluginEvent is PluginSecretEvent secret)
        {
            // A secret is masked whoever registers it, step or not.
            _masker.Add(secret.Value);
        }
        else if (pluginEvent is PluginVariableEvent variable)
        {
            if (variable.Secret)
            {
                _masker.Add(variable.Value);
            }

            if (VariableNames.IsValid(variable.Name))
            {
                _variables.Set(variable.Name, variable.Value, $"plugin {plugin}", _ => false);
            }
        }
    }

    private void Relay(StepDefinition step, PluginEvent pluginEvent)
    {
        switch (pluginEvent)
        {
            case PluginLogEvent line:
                _observer.StepLog(step, _masker.IsEmpty ? line : line with { Text = _masker.Apply(line.Text) });
                break;
            case PluginSecretEvent secret:
                _masker.Add(secret.Value);
                break;
            case PluginVariableEvent variable:
                SetVariable(step, variable);
                break;
            case PluginProgressEvent progress:
                _observer.StepProgress(step, progress.Message is { } message && !_masker.IsEmpty ? progress with { Message = _masker.Apply(message) } : progress);
                break;
        }
    }

    private void SetVariable(StepDefinition step, PluginVariableEvent variable)
    {
        if (variable.Secret)
        {
            _masker.Add(variable.Value);
        }

        var problem = !VariableNames.IsValid(variable.Name)
            ? $"the plugin set a variable named '{variable.Name}'; names are letters, digits, '_' and '-', starting with a letter or '_'"
            : _variables.Set(variable.Name, variable.Value, step.Name, other => RanAlongside(step.Name, other));
        if (problem is not null)
        {
            _conflicts.TryAdd(step.Name, problem);
            Relay(step, new PluginLogEvent(variable.Plugin, variable.Pid, step.Name, variable.Timestamp, PluginLogSource.Host, Protocol.Messages.LogLevels.Error, problem));
        }
    }

    /// <summary>Whether <paramref name="other"/> ran at some moment while <paramref name="step"/> was running.</summary>
    private bool RanAlongside(string step, string other) =>
        _intervals.TryGetValue(step, out var mine) && _intervals.TryGetValue(other, out var theirs)
        && (theirs.Finished is not { } finished || finished > mine.Started);
}
