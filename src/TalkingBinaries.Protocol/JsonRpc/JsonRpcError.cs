using System.Text.Json;

namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>The <c>error</c> member of a JSON-RPC response.</summary>
public sealed record JsonRpcError
{
    /// <summary>One of <see cref="JsonRpcErrorCodes"/>, or another integer.</summary>
    public required int Code { get; init; }

    /// <summary>One sentence for a person.</summary>
    public required string Message { get; init; }

    /// <summary>Anything structured the sender adds.</summary>
    public JsonElement? Data { get; init; }
}
