namespace TalkingBinaries.Protocol;

/// <summary>The environment variable by which a host marks a process as a plugin it launched.</summary>
/// <remarks>A plugin started without it was run by hand and should say so and exit non-zero (docs/protocol.md, "Launch").</remarks>
public static class PluginCookie
{
    /// <summary>The variable's name.</summary>
    public const string Name = "TALKING_BINARIES_PLUGIN";

    /// <summary>The variable's value; constant across protocol versions.</summary>
    public const string Value = "9c1e6f2a-talking-binaries";

    /// <summary>Whether <paramref name="value"/> is the cookie a host sets.</summary>
    public static bool IsValid(string? value) => string.Equals(value, Value, StringComparison.Ordinal);
}
