namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>How a <see cref="JsonRpcPeer"/> behaves; the same for either side of the conversation.</summary>
public sealed record JsonRpcPeerOptions
{
    /// <summary>Names the reader thread, for debuggers and dumps.</summary>
    public string Name { get; init; } = "json-rpc";

    /// <summary>The longest line read as a message; longer ones are dropped and reported (docs/protocol.md, "Framing").</summary>
    /// <remarks>Also the longest line written: a longer message is not sent (<see cref="JsonRpcLimitException"/>).</remarks>
    public int MaxMessageBytes { get; init; } = ProtocolLimits.MaxMessageBytes;

    /// <summary>The deepest nesting written; a deeper message is not sent (<see cref="JsonRpcLimitException"/>).</summary>
    /// <remarks>Messages are read up to <see cref="ProtocolLimits.MaxMessageDepth"/> deep whatever this says (docs/protocol.md, "Limits").</remarks>
    public int MaxDepth { get; init; } = ProtocolLimits.MaxMessageDepth;

    /// <summary>Write on the caller's thread (see <see cref="JsonRpcWriter"/>): for output that is a pipe.</summary>
    public bool WriteSynchronously { get; init; }

    /// <summary>Whether code awaiting an answer resumes on the reader thread instead of the thread pool.</summary>
    /// <remarks>Saves a thread hand-off per request; until that code yields, nothing more is read, so it must never block.</remarks>
    public bool ResumeOnReaderThread { get; init; }

    /// <summary>Answer a line that is not a message with a parse error (id null), as a plugin answers its host.</summary>
    public bool AnswerUnreadableLines { get; init; }

    /// <summary>The message of the error answering a request for a method nobody handles.</summary>
    public Func<string, string> DescribeUnknownMethod { get; init; } = method => $"unknown method '{method}'";

    /// <summary>Receives what the peer read but could not use; called on the reader thread, in order.</summary>
    public Action<JsonRpcProblem>? OnProblem { get; init; }
}
