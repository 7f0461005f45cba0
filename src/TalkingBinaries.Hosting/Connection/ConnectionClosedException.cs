namespace TalkingBinaries.Hosting.Connection;

/// <summary>The plugin closed its stdout (usually: it exited) before answering.</summary>
public sealed class ConnectionClosedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ConnectionClosedException()
        : base("the plugin closed its stdout before answering")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public ConnectionClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public ConnectionClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
