namespace TalkingBinaries.Protocol;

/// <summary>Sizes both sides agree on; see docs/protocol.md, "Framing".</summary>
public static class ProtocolLimits
{
    /// <summary>The longest protocol message, in bytes of UTF-8 without the newline (16 MiB).</summary>
    public const int MaxMessageBytes = 16 * 1024 * 1024;

    /// <summary>The longest stderr log line relayed whole; longer lines are split (64 KiB).</summary>
    public const int MaxLogLineBytes = 64 * 1024;
}
