using TalkingBinaries.Protocol.JsonRpc;

namespace TalkingBinaries.Hosting.Connection;

/// <summary>The other side answered a request with a JSON-RPC error.</summary>
public sealed class JsonRpcRemoteException : Exception
{
    /// <summary>Wraps <paramref name="error"/>.</summary>
    public JsonRpcRemoteException(JsonRpcError error)
        : base(error?.Message)
    {
        Error = error ?? throw new ArgumentNullException(nameof(error));
    }

    /// <summary>The error as sent.</summary>
    public JsonRpcError Error { get; }
}
