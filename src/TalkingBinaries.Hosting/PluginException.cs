namespace TalkingBinaries.Hosting;

/// <summary>A plugin failed to start, broke the protocol, or died; the message names it, its PID and what to do.</summary>
public sealed class PluginException : Exception
{
    /// <summary>Creates the exception.</summary>
    public PluginException(PluginErrorKind kind, string message)
        : base(message)
    {
        Kind = kind;
    }

    /// <summary>Creates the exception with its cause.</summary>
    public PluginException(PluginErrorKind kind, string message, Exception innerException)
        : base(message, innerException)
    {
        Kind = kind;
    }

    /// <summary>What went wrong.</summary>
    public PluginErrorKind Kind { get; }

    /// <summary>How the plugin process ended, when it has.</summary>
    public ExitStatus? ExitStatus { get; init; }

    /// <summary>The plugin process, when one was started.</summary>
    public int? Pid { get; init; }

    /// <summary>From the process's spawn to its exit, when it has exited.</summary>
    public TimeSpan? BinaryTime { get; init; }
}
