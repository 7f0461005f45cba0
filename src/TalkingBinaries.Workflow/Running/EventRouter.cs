using System.Collections.Concurrent;
using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Expressions;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Takes what plugins say during a run to the step it is about, masked, and keeps the variables they set.</summary>
/// <remarks>
/// Thread-safe: events arrive on the plugins' reader threads. Two steps running at the same time that set the same
/// variable are a conflict: the step that set it second fails (docs/devfile.md, "Variables").
/// </remarks>
internal sealed class EventRouter(RunPlan plan, RunObserver observer, SecretMasker masker, VariableStore variables)
{
    private static readonly JsonElement MaskedValue = JsonSerializer.SerializeToElement(SecretMasker.Mask, ExpressionJsonContext.Default.String);

    private readonly ConcurrentDictionary<string, (DateTimeOffset Started, DateTimeOffset? Finished)> _intervals = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _conflicts = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Plugin, int Pid, PluginLogSource Source), string> _heldTails = new();

    /// <summary>A pooled plugin's event: the step's when it names one of this run, else the plugin's own.</summary>
    public void Route(string plugin, PluginEvent pluginEvent)
    {
        if (pluginEvent.StepId is { } stepId && plan.SelectedSet.Contains(stepId))
        {
            RouteToStep(plan.Step(stepId), pluginEvent);
            return;
        }

        switch (pluginEvent)
        {
            case PluginLogEvent line:
                observer.PluginLog(plugin, Mask(line));
                break;
            case PluginSecretEvent secret:
                // A secret is masked whoever registers it, step or not.
                masker.Add(secret.Value);
                break;
            case PluginVariableEvent variable:
                if (variable.Secret)
                {
                    masker.Add(variable.Value);
                }

                if (VariableNames.IsValid(variable.Name) && variables.Set(variable.Name, variable.Value, $"plugin {plugin}", _ => false) is null)
                {
                    observer.VariableSet(null, variable.Name, Shown(variable));
                }

                break;
        }
    }

    /// <summary>An event about <paramref name="step"/>.</summary>
    public void RouteToStep(StepDefinition step, PluginEvent pluginEvent)
    {
        switch (pluginEvent)
        {
            case PluginLogEvent line:
                observer.StepLog(step, Mask(line));
                break;
            case PluginSecretEvent secret:
                masker.Add(secret.Value);
                break;
            case PluginVariableEvent variable:
                SetVariable(step, variable);
                break;
            case PluginProgressEvent progress:
                observer.StepProgress(step, progress.Message is { } message && !masker.IsEmpty ? progress with { Message = masker.Apply(message) } : progress);
                break;
        }
    }

    /// <summary>A note from the host about <paramref name="step"/>, shown among its lines.</summary>
    public void Say(StepDefinition step, string plugin, int pid, string level, string text) =>
        RouteToStep(step, new PluginLogEvent(plugin, pid, step.Name, DateTimeOffset.UtcNow, PluginLogSource.Host, level, text));

    public void Started(StepDefinition step) => _intervals[step.Name] = (DateTimeOffset.UtcNow, null);

    public void Finished(StepDefinition step) => _intervals[step.Name] = (_intervals[step.Name].Started, DateTimeOffset.UtcNow);

    /// <summary>Why the step failed by setting a variable, if it did.</summary>
    public string? ConflictOf(StepDefinition step) => _conflicts.GetValueOrDefault(step.Name);

    /// <summary>The report as shown: secrets known by now masked.</summary>
    public StepReport Mask(StepReport report) => masker.IsEmpty ? report : report with
    {
        Error = report.Error is { } error ? masker.Apply(error) : null,
        Outputs = masker.Apply(report.Outputs),
        Attempts = report.Attempts?.Select(Mask).ToList(),
    };

    /// <summary>The attempt as shown: secrets known by now masked.</summary>
    public StepAttempt Mask(StepAttempt attempt) => masker.IsEmpty || attempt.Error is null ? attempt : attempt with { Error = masker.Apply(attempt.Error) };

    private PluginLogEvent Mask(PluginLogEvent line)
    {
        // A long stderr line comes in pieces (PluginLogEvent.EndsLine): the tail of a piece that could begin a
        // secret is held back and shown with the next piece of the same stream, so a secret across the cut is masked.
        var stream = (line.Plugin, line.Pid, line.Source);
        var text = _heldTails.TryRemove(stream, out var held) ? held + line.Text : line.Text;
        if (masker.IsEmpty)
        {
            return held is null ? line : line with { Text = text };
        }

        text = masker.Apply(text);
        if (!line.EndsLine && masker.PartialSecretStart(text) is var cut && cut < text.Length)
        {
            _heldTails[stream] = text[cut..];
            text = text[..cut];
        }

        return line with { Text = text };
    }

    private void SetVariable(StepDefinition step, PluginVariableEvent variable)
    {
        if (variable.Secret)
        {
            masker.Add(variable.Value);
        }

        var problem = !VariableNames.IsValid(variable.Name)
            ? $"the plugin set a variable named '{variable.Name}'; names are letters, digits, '_' and '-', starting with a letter or '_'"
            : variables.Set(variable.Name, variable.Value, step.Name, other => RanAlongside(step.Name, other));
        if (problem is not null)
        {
            _conflicts.TryAdd(step.Name, problem);
            Say(step, variable.Plugin, variable.Pid, LogLevels.Error, problem);
            return;
        }

        observer.VariableSet(step, variable.Name, Shown(variable));
    }

    /// <summary>Sets again a variable an up-to-date step set when it last ran, and tells the observer (docs/devfile.md, "Up to date").</summary>
    public void Restore(StepDefinition step, string name, JsonElement value)
    {
        variables.Restore(name, value, step.Name);
        observer.VariableSet(step, name, masker.Apply(value));
    }

    /// <summary>A variable's value as observers see it: a secret one wholly masked, others with known secrets masked.</summary>
    private JsonElement Shown(PluginVariableEvent variable) =>
        variable.Secret ? MaskedValue : masker.Apply(variable.Value);

    /// <summary>Whether <paramref name="other"/> ran at some moment while <paramref name="step"/> was running.</summary>
    private bool RanAlongside(string step, string other) =>
        _intervals.TryGetValue(step, out var mine) && _intervals.TryGetValue(other, out var theirs)
        && (theirs.Finished is not { } finished || finished > mine.Started);
}
