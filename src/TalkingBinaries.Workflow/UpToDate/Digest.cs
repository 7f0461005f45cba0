using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TalkingBinaries.Workflow.UpToDate;

/// <summary>SHA-256 digests, in lower-case hex, of the parts of a fingerprint.</summary>
internal static class Digest
{
    /// <summary>The digest of <paramref name="parts"/>, each length-prefixed so no two lists of parts give the same bytes.</summary>
    public static string Of(IEnumerable<string> parts)
    {
        // One buffer hashed at once: an up-to-date run works out thousands of digests, and garbage was a third of its time.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        foreach (var part in parts)
        {
            var length = Encoding.UTF8.GetByteCount(part);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(buffer.GetSpan(4), length);
            buffer.Advance(4);
            buffer.Advance(Encoding.UTF8.GetBytes(part, buffer.GetSpan(length)));
        }

        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.WrittenSpan, hash);
        return Convert.ToHexStringLower(hash);
    }

    /// <summary>The digest of named values: names in ordinal order, each value as its compact JSON text.</summary>
    public static string Of(IEnumerable<KeyValuePair<string, JsonElement>> values) =>
        Of(values.OrderBy(pair => pair.Key, StringComparer.Ordinal).SelectMany(pair => new[] { pair.Key, Compact(pair.Value) }));

    /// <summary>The value written without whitespace.</summary>
    /// <remarks>A value read back from the indented state file keeps its indentation in its raw text: digesting that would make what waits for an up-to-date step run again.</remarks>
    private static string Compact(JsonElement value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            value.WriteTo(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The digest of named digests (files, steps): names in ordinal order.</summary>
    public static string Of(IEnumerable<KeyValuePair<string, string>> values) =>
        Of(values.OrderBy(pair => pair.Key, StringComparer.Ordinal).SelectMany(pair => new[] { pair.Key, pair.Value }));

    /// <summary>Each file's SHA-256, by its path relative to <paramref name="directory"/>.</summary>
    /// <exception cref="IOException">A file cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">A file may not be read.</exception>
    public static Dictionary<string, string> Files(string directory, IEnumerable<string> paths)
    {
        var hashes = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in paths)
        {
            var full = Path.Combine(directory, path);
            try
            {
                using var stream = new FileStream(full, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
                hashes[path] = Convert.ToHexStringLower(SHA256.HashData(stream));
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException && new FileInfo(full).LinkTarget is { } target)
            {
                // A dangling symbolic link: where it points is all there is to it.
                hashes[path] = Of(["dangling link", target]);
            }
        }

        return hashes;
    }
}
