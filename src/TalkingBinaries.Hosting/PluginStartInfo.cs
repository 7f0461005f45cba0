namespace TalkingBinaries.Hosting;

/// <summary>How to start a plugin process.</summary>
public sealed record PluginStartInfo
{
    /// <summary>The executable, as found by <see cref="Discovery.PluginLocator"/>.</summary>
    public required string ExecutablePath { get; init; }

    /// <summary>The name used in messages and events (the workflow's plugin ref).</summary>
    public required string DisplayName { get; init; }

    /// <summary>Command-line arguments after the executable.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>Variables added to (or, with a null value, removed from) the host's environment.</summary>
    public IReadOnlyDictionary<string, string?> Environment { get; init; } = new Dictionary<string, string?>();

    /// <summary>The plugin's working directory; the host's when null.</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Receives log lines and progress as they arrive, from the reader threads.</summary>
    public Action<PluginEvent>? OnEvent { get; init; }

    /// <summary>Hands <paramref name="pluginEvent"/> to <see cref="OnEvent"/>; a handler that throws loses that event, not the relay.</summary>
    internal void Raise(PluginEvent pluginEvent)
    {
        try
        {
            OnEvent?.Invoke(pluginEvent);
        }
#pragma warning disable CA1031 // A faulty event handler must not stop the relay and lose later lines.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>Answers the plugin's own requests (such as <c>vars/get</c>); without it every request gets "method not found".</summary>
    /// <remarks>Called on the reader thread's behalf but awaited off it; throw <see cref="Connection.JsonRpcRemoteException"/> to answer with an error.</remarks>
    public PluginRequestHandler? OnRequest { get; init; }

    /// <summary>Whether code awaiting the plugin's answer to a request resumes on the thread that read the answer.</summary>
    /// <remarks>
    /// False by default: it resumes on the thread pool. True saves a thread hand-off per request, about a tenth of a
    /// warm echo step (bench/run.sh, figure 4), but until that code awaits something that yields, nothing more is read
    /// from the plugin. It must then never block, and above all never wait synchronously for another answer from the
    /// same plugin, which would never be read. <c>tb</c> sets it.
    /// </remarks>
    public bool ResumeOnReaderThread { get; init; }

    /// <summary>How long to wait for the handshake's answer.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a cancelled step waits for the plugin's answer to <c>step/cancel</c> before giving up on it.</summary>
    public TimeSpan CancelTimeout { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>How long to keep reading stdout and stderr after the plugin exited before its process group is killed.</summary>
    /// <remarks>
    /// A grandchild that inherited the pipes can hold them open forever; this bounds the wait (docs/protocol.md, "Lifecycle").
    /// It also bounds how long a step's end waits for the stderr the plugin wrote before answering to be relayed.
    /// </remarks>
    public TimeSpan DrainTimeout { get; init; } = TimeSpan.FromMilliseconds(500);
}
