using System.Text.Json;

namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>What a peer read but could not use, so each side can say it in its own words.</summary>
public enum JsonRpcProblemKind
{
    /// <summary>A line over the limit was dropped; <see cref="JsonRpcProblem.Bytes"/> says how long it was.</summary>
    OversizedLine,

    /// <summary>A line was not a JSON-RPC message; <see cref="JsonRpcProblem.Text"/> is the line itself.</summary>
    UnreadableLine,

    /// <summary>The other side answered with an error and no id: it could not read one of our messages.</summary>
    ErrorWithoutId,

    /// <summary>A response named a request id that is not waiting for an answer.</summary>
    UnknownResponse,

    /// <summary>A notification's params did not have the shape its handler reads; it was ignored.</summary>
    UnreadableParams,
}

/// <summary>One thing a peer read but could not use.</summary>
/// <param name="Kind">What went wrong.</param>
/// <param name="Description">Why, in words for a log, without saying which side is which.</param>
public sealed record JsonRpcProblem(JsonRpcProblemKind Kind, string Description)
{
    /// <summary>The line as read, for <see cref="JsonRpcProblemKind.UnreadableLine"/>.</summary>
    public string? Text { get; init; }

    /// <summary>The line's length, for <see cref="JsonRpcProblemKind.OversizedLine"/>.</summary>
    public long Bytes { get; init; }

    /// <summary>The method concerned, for <see cref="JsonRpcProblemKind.UnreadableParams"/>.</summary>
    public string? Method { get; init; }

    /// <summary>The error received, for <see cref="JsonRpcProblemKind.ErrorWithoutId"/>.</summary>
    public JsonRpcError? Error { get; init; }

    /// <summary>The id received, for <see cref="JsonRpcProblemKind.UnknownResponse"/>.</summary>
    public JsonElement? Id { get; init; }
}
