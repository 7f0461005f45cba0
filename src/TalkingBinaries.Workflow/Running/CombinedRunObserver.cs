using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Tells several observers everything, in order (the terminal, an event file, GitHub's annotations).</summary>
internal sealed class CombinedRunObserver(RunObserver[] observers) : RunObserver
{
    public override void Warning(string message)
    {
        foreach (var observer in observers)
        {
            observer.Warning(message);
        }
    }

    public override void SecretRegistered(string secret)
    {
        foreach (var observer in observers)
        {
            observer.SecretRegistered(secret);
        }
    }

    public override void RunStarting(DevFile devFile, IReadOnlyList<string> steps, string runId)
    {
        foreach (var observer in observers)
        {
            observer.RunStarting(devFile, steps, runId);
        }
    }

    public override void StepStarting(StepDefinition step)
    {
        foreach (var observer in observers)
        {
            observer.StepStarting(step);
        }
    }

    public override void StepLog(StepDefinition step, PluginLogEvent line)
    {
        foreach (var observer in observers)
        {
            observer.StepLog(step, line);
        }
    }

    public override void PluginLog(string plugin, PluginLogEvent line)
    {
        foreach (var observer in observers)
        {
            observer.PluginLog(plugin, line);
        }
    }

    public override void StepProgress(StepDefinition step, PluginProgressEvent progress)
    {
        foreach (var observer in observers)
        {
            observer.StepProgress(step, progress);
        }
    }

    public override void VariableSet(StepDefinition? step, string name, JsonElement value)
    {
        foreach (var observer in observers)
        {
            observer.VariableSet(step, name, value);
        }
    }

    public override void StepRetrying(StepDefinition step, StepAttempt attempt, TimeSpan delay)
    {
        foreach (var observer in observers)
        {
            observer.StepRetrying(step, attempt, delay);
        }
    }

    public override void StepFinished(StepDefinition step, StepReport report)
    {
        foreach (var observer in observers)
        {
            observer.StepFinished(step, report);
        }
    }

    public override void RunFinished(RunReport report)
    {
        foreach (var observer in observers)
        {
            observer.RunFinished(report);
        }
    }
}
