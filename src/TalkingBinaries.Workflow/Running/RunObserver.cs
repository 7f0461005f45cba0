using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Receives what happens during a run, as it happens; override what you show.</summary>
/// <remarks>Methods are called from reader threads; an observer must be thread-safe. Lines of a step arrive in order.</remarks>
public abstract class RunObserver
{
    /// <summary>One observer that tells each of <paramref name="observers"/> everything, in the order given.</summary>
    public static RunObserver Combine(params IEnumerable<RunObserver> observers) => new CombinedRunObserver(observers.ToArray());

    /// <summary>A secret became known (from the environment, a var-file, or a plugin); it is masked from now on.</summary>
    /// <remarks>Called before any text masked with it is shown; a multi-line secret is told whole and line by line.</remarks>
    public virtual void SecretRegistered(string secret)
    {
    }

    /// <summary>A step (or, with <paramref name="step"/> null, a warm plugin outside any step) set a global variable.</summary>
    /// <param name="step">The step that set it; null when a warm plugin set it outside any step.</param>
    /// <param name="name">The variable's name.</param>
    /// <param name="value">Its value, secrets masked (a secret variable's whole value is <c>***</c>).</param>
    public virtual void VariableSet(StepDefinition? step, string name, JsonElement value)
    {
    }

    /// <summary>Something is worth saying before the run starts but does not stop it (a lock file that does not pin a plugin).</summary>
    public virtual void Warning(string message)
    {
    }

    /// <summary>The run is about to start its first step.</summary>
    /// <param name="devFile">The DevFile being run.</param>
    /// <param name="steps">The names of the steps this run will run (all, or those <c>--step</c> selects), in file order.</param>
    /// <param name="runId">The run's id.</param>
    public virtual void RunStarting(DevFile devFile, IReadOnlyList<string> steps, string runId)
    {
    }

    /// <summary>A step is starting.</summary>
    public virtual void StepStarting(StepDefinition step)
    {
    }

    /// <summary>A step's plugin said something: a stderr line, a log notification, a stray stdout line.</summary>
    public virtual void StepLog(StepDefinition step, PluginLogEvent line)
    {
    }

    /// <summary>A warm plugin said something that is about no single step (a stderr line while it ran several).</summary>
    public virtual void PluginLog(string plugin, PluginLogEvent line)
    {
    }

    /// <summary>A step's plugin reported progress.</summary>
    public virtual void StepProgress(StepDefinition step, PluginProgressEvent progress)
    {
    }

    /// <summary>An attempt of a step with <c>retry</c> failed, and the step runs again after <paramref name="delay"/>.</summary>
    /// <param name="step">The step.</param>
    /// <param name="attempt">The attempt that failed, secrets masked; the step allows <c>step.Retry.Attempts</c> in all.</param>
    /// <param name="delay">How long the step waits before its next attempt.</param>
    public virtual void StepRetrying(StepDefinition step, StepAttempt attempt, TimeSpan delay)
    {
    }

    /// <summary>A step finished; all its output has been delivered before this call.</summary>
    public virtual void StepFinished(StepDefinition step, StepReport report)
    {
    }

    /// <summary>The run finished; every plugin process has ended.</summary>
    public virtual void RunFinished(RunReport report)
    {
    }
}
