namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>The conversation ended (the other side closed its output, or ours broke) before a request was answered.</summary>
public sealed class JsonRpcClosedException : Exception
{
    /// <summary>Creates the exception.</summary>
    public JsonRpcClosedException()
        : base("the other side closed the connection before answering")
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public JsonRpcClosedException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public JsonRpcClosedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
