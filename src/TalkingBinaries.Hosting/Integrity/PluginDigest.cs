namespace TalkingBinaries.Hosting.Integrity;

/// <summary>The form of a plugin's SHA-256 as DevFiles and lock files write it: 64 hexadecimal digits.</summary>
public static class PluginDigest
{
    /// <summary>True when <paramref name="text"/> is 64 hexadecimal digits, in either case.</summary>
    public static bool IsValid(string? text) => text is { Length: 64 } && text.All(char.IsAsciiHexDigit);

    /// <summary>The first 12 digits, enough to tell hashes apart in a table.</summary>
    public static string Abbreviate(string digest)
    {
        ArgumentNullException.ThrowIfNull(digest);
        return digest.Length > 12 ? digest[..12] : digest;
    }
}
