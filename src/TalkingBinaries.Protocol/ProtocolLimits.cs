namespace TalkingBinaries.Protocol;

/// <summary>Sizes both sides agree on; see docs/protocol.md, "Limits".</summary>
public static class ProtocolLimits
{
    /// <summary>The longest protocol message, in bytes of UTF-8 without the newline (16 MiB).</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>The deepest nesting of objects and arrays in a message, the message's own object included (64 levels).</summary>
    /// <remarks>System.Text.Json's default: the SDK reads this deep, and the host never sends deeper.</remarks>
    public const int MaxMessageDepth = 64;

    /// <summary>The longest stderr log line relayed whole; longer lines are split (64 KiB).</summary>
    public const int MaxLogLineBytes = 64 * 1024;
}
