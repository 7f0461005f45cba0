namespace TalkingBinaries.Hosting;

/// <summary>Something a plugin said while it ran: a log line or progress. Raised as it arrives.</summary>
/// <param name="Plugin">The plugin's display name.</param>
/// <param name="Pid">The plugin process.</param>
/// <param name="StepId">The step it is about, when known.</param>
/// <param name="Timestamp">When the host read it.</param>
public abstract record PluginEvent(string Plugin, int Pid, string? StepId, DateTimeOffset Timestamp);

/// <summary>Where a log line came from.</summary>
public enum PluginLogSource
{
    /// <summary>A line of the plugin's stderr.</summary>
    Stderr,

    /// <summary>A <c>log</c> notification.</summary>
    Protocol,

    /// <summary>A stdout line that was not a protocol message (shown as a warning, never fatal).</summary>
    StrayStdout,

    /// <summary>Said by the host about the plugin (exit status, dropped lines).</summary>
    Host,
}

/// <summary>A log line from a plugin.</summary>
public sealed record PluginLogEvent(string Plugin, int Pid, string? StepId, DateTimeOffset Timestamp, PluginLogSource Source, string Level, string Text)
    : PluginEvent(Plugin, Pid, StepId, Timestamp)
{
    /// <summary>False on a piece of a stderr line too long to relay whole: the line goes on in the next event of the same plugin and source.</summary>
    /// <remarks>Whoever masks secrets must mask across pieces: a secret may straddle two (docs/protocol.md, "Limits").</remarks>
    public bool EndsLine { get; init; } = true;
}

/// <summary>A plugin set a global variable.</summary>
public sealed record PluginVariableEvent(string Plugin, int Pid, string? StepId, DateTimeOffset Timestamp, string Name, System.Text.Json.JsonElement Value, bool Secret)
    : PluginEvent(Plugin, Pid, StepId, Timestamp);

/// <summary>A plugin asked for a value to be masked.</summary>
public sealed record PluginSecretEvent(string Plugin, int Pid, string? StepId, DateTimeOffset Timestamp, string Value)
    : PluginEvent(Plugin, Pid, StepId, Timestamp);

/// <summary>Progress reported by a plugin.</summary>
public sealed record PluginProgressEvent(string Plugin, int Pid, string? StepId, DateTimeOffset Timestamp, string? Message, double? Fraction)
    : PluginEvent(Plugin, Pid, StepId, Timestamp);
