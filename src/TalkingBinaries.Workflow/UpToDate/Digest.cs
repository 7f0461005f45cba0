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
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var part in parts)
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(length, bytes.Length);
            hash.AppendData(length);
            hash.AppendData(bytes);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset());
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
            using var stream = new FileStream(Path.Combine(directory, path), FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 1, FileOptions.SequentialScan);
            hashes[path] = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        return hashes;
    }
}
