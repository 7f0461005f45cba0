namespace TalkingBinaries.Hosting;

/// <summary>What went wrong with a plugin, for callers that act on it rather than show it.</summary>
public enum PluginErrorKind
{
    /// <summary>The executable could not be started.</summary>
    StartFailed,

    /// <summary>It started but exited or stayed silent during the handshake: it may not speak protocol v1 at all.</summary>
    HandshakeFailed,

    /// <summary>It answered the handshake, but refused it, shares no protocol version, or answered what the host cannot read.</summary>
    Incompatible,

    /// <summary>It died, or closed its stdout, before answering.</summary>
    Crashed,

    /// <summary>It answered in a way the protocol does not allow: an error, an empty or unreadable result.</summary>
    ProtocolViolation,

    /// <summary>A pool stopped restarting it after it died too many times in a row.</summary>
    GaveUp,

    /// <summary>A message to or from it was over the protocol's size or nesting limit; the process is still usable (docs/protocol.md, "Limits").</summary>
    LimitExceeded,
}
