using System.Text.Json.Serialization.Metadata;

namespace TalkingBinaries.Plugin;

/// <summary>Where a running step's messages go: to the host over the wire (<see cref="PluginServer"/>), or to a test (<see cref="StepHarness{TConfig}"/>).</summary>
internal abstract class StepChannel
{
    /// <summary>Sends a notification about the step; returns once it is written, so logs keep their order with the result.</summary>
    public abstract void Notify<T>(string method, T parameters, JsonTypeInfo<T> typeInfo);

    /// <summary>Asks the host something and waits for the answer.</summary>
    /// <exception cref="InvalidOperationException">The host answered with an error.</exception>
    public abstract Task<TResult?> RequestAsync<TParams, TResult>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken);

    /// <summary>Told of a step's <see cref="StepFailedException"/> before it becomes the failed result.</summary>
    public virtual void OnStepFailed(StepFailedException exception)
    {
    }
}
