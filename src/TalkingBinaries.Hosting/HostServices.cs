using System.Text.Json;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting;

/// <summary>What a host offers the plugins it runs: where what they say goes, and answers to what they ask.</summary>
/// <remarks>
/// <para>Override what your application offers. <see cref="OnEvent"/> is called on the library's reader threads,
/// possibly several at once: it must be thread-safe and quick, and an exception it throws loses that event only.</para>
/// <para>The questions are asked on the thread pool and may be asked concurrently; their token is cancelled when the
/// host stops listening to the plugin. A question the host does not answer (the default) gets "method not found";
/// any exception other than <see cref="NotSupportedException"/> becomes an internal-error answer with its message,
/// so a bug here fails the plugin's request, not the host.</para>
/// </remarks>
public abstract class HostServices
{
    /// <summary>Offers nothing: events are dropped and every question is refused.</summary>
    public static HostServices None { get; } = new Events(static _ => { });

    /// <summary>Hands every event to <paramref name="onEvent"/> and answers no question.</summary>
    public static HostServices ForEvents(Action<PluginEvent> onEvent) => new Events(onEvent ?? throw new ArgumentNullException(nameof(onEvent)));

    /// <summary>A plugin said something: a log line, progress, a variable it set, a secret to mask.</summary>
    public virtual void OnEvent(PluginEvent pluginEvent)
    {
    }

    /// <summary>A plugin asks for a variable's value now (<c>vars/get</c>); null when it does not exist.</summary>
    /// <param name="name">The variable.</param>
    /// <param name="stepId">The step asking, when the plugin said.</param>
    /// <param name="cancellationToken">Cancelled when the host stops listening to the plugin.</param>
    public virtual Task<JsonElement?> GetVariableAsync(string name, string? stepId, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    /// <summary>A plugin asks for another step's status and outputs (<c>steps/get</c>).</summary>
    /// <param name="step">The step asked about.</param>
    /// <param name="stepId">The step asking, when the plugin said.</param>
    /// <param name="cancellationToken">Cancelled when the host stops listening to the plugin.</param>
    public virtual Task<StepsGetResult> GetStepAsync(string step, string? stepId, CancellationToken cancellationToken) =>
        throw new NotSupportedException();

    /// <summary>Hands <paramref name="pluginEvent"/> to <see cref="OnEvent"/>; one that throws loses that event, not the relay.</summary>
    internal void Raise(PluginEvent pluginEvent)
    {
        try
        {
            OnEvent(pluginEvent);
        }
#pragma warning disable CA1031 // A faulty event handler must not stop the relay and lose later lines.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    private sealed class Events(Action<PluginEvent> onEvent) : HostServices
    {
        public override void OnEvent(PluginEvent pluginEvent) => onEvent(pluginEvent);
    }
}
