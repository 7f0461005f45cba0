namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>The other side answered a request with a JSON-RPC error; thrown by a handler, it is the error sent back.</summary>
public sealed class JsonRpcRemoteException : Exception
{
    /// <summary>Wraps <paramref name="error"/>.</summary>
    public JsonRpcRemoteException(JsonRpcError error)
        : base(error?.Message)
    {
        Error = error ?? throw new ArgumentNullException(nameof(error));
    }

    /// <summary>An error with <paramref name="code"/> and <paramref name="message"/>.</summary>
    public JsonRpcRemoteException(int code, string message)
        : this(new JsonRpcError { Code = code, Message = message })
    {
    }

    /// <summary>The error as sent.</summary>
    public JsonRpcError Error { get; }
}
