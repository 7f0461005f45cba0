namespace TalkingBinaries.Protocol.JsonRpc;

/// <summary>A message was not sent because the other side would refuse it: over the size or nesting limit (docs/protocol.md, "Limits").</summary>
/// <remarks>Thrown before anything of the message is written; the conversation goes on.</remarks>
public sealed class JsonRpcLimitException : Exception
{
    /// <summary>Creates the exception for <paramref name="what"/>, which broke <paramref name="limit"/>.</summary>
    public JsonRpcLimitException(string what, bool tooDeep, long limit)
        : base(tooDeep
            ? $"{what} nests deeper than the protocol's limit of {limit} levels"
            : $"{what} is over the protocol's limit of {limit} bytes")
    {
        What = what;
        TooDeep = tooDeep;
        Limit = limit;
    }

    /// <summary>Creates the exception.</summary>
    public JsonRpcLimitException()
        : this("the message", tooDeep: false, ProtocolLimits.MaxMessageBytes)
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    public JsonRpcLimitException(string message)
        : base(message)
    {
        What = "the message";
    }

    /// <summary>Creates the exception with a message and cause.</summary>
    public JsonRpcLimitException(string message, Exception innerException)
        : base(message, innerException)
    {
        What = "the message";
    }

    /// <summary>Which message, in words (<c>the 'step/run' request</c>).</summary>
    public string What { get; }

    /// <summary>True when the nesting depth, not the size, is over the limit.</summary>
    public bool TooDeep { get; }

    /// <summary>The limit broken: bytes, or levels when <see cref="TooDeep"/>.</summary>
    public long Limit { get; }
}
