namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>Error codes: JSON-RPC 2.0's own, and the protocol's in the range it reserves for servers.</summary>
public static class JsonRpcErrorCodes
{
    /// <summary>The line was not JSON.</summary>
    public const int ParseError = -32700;

    /// <summary>The JSON was not a JSON-RPC message.</summary>
    public const int InvalidRequest = -32600;

    /// <summary>The receiver does not know the method.</summary>
    public const int MethodNotFound = -32601;

    /// <summary>The parameters did not have the expected shape.</summary>
    public const int InvalidParams = -32602;

    /// <summary>The receiver failed while handling the request.</summary>
    public const int InternalError = -32603;

    /// <summary>The two sides share no protocol version.</summary>
    public const int UnsupportedProtocolVersion = -32000;

    /// <summary>A message was over the protocol's size or nesting limit, so it was not sent or not read (docs/protocol.md, "Limits").</summary>
    public const int LimitExceeded = -32001;
}
