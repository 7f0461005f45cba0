using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace TalkingBinaries.Hosting.Integrity;

/// <summary>SHA-256 of plugin executables and package trees, remembered by path, size and modification time.</summary>
/// <remarks>
/// A file's hash is the <c>sha256sum</c> of it. A tree's hash is the SHA-256 of its <c>sha256sum</c> listing: one line
/// <c>&lt;hash&gt;  &lt;path&gt;</c> per regular file, relative paths in byte order, symlinks left out; the same as
/// <c>(cd DIR &amp;&amp; find . -type f -printf '%P\n' | LC_ALL=C sort | xargs -d '\n' sha256sum) | sha256sum</c>.
/// Hashing a large executable takes milliseconds, so each file's hash is kept in a cache file with the size and
/// modification time it had; a file whose size or time changed is hashed again. Members are thread-safe.
/// </remarks>
public sealed class PluginHashes
{
    private readonly string? _cacheFile;
    private readonly Lock _lock = new();
    private Dictionary<string, Entry>? _entries;
    private bool _changed;

    /// <summary>Creates a hasher that remembers hashes in <paramref name="cacheFile"/>, or nowhere when it is null.</summary>
    public PluginHashes(string? cacheFile)
    {
        _cacheFile = cacheFile;
    }

    /// <summary>A hasher with the cache in this user's cache directory, next to the plugin packages.</summary>
    public static PluginHashes ForCurrentUser() => ForUser(null);

    /// <summary>A hasher with the cache of the user whose environment is <paramref name="environment"/> (this process's when null).</summary>
    public static PluginHashes ForUser(IReadOnlyDictionary<string, string>? environment) =>
        new(Path.Combine(Packages.PackageCache.UserCacheDirectory(environment), "tb", "hashes.tsv"));

    /// <summary>The SHA-256 of the file at <paramref name="path"/>, in lower-case hex.</summary>
    /// <exception cref="IOException">It cannot be read.</exception>
    public string HashFile(string path)
    {
        var info = new FileInfo(Path.GetFullPath(path));
        var (size, time) = (info.Length, info.LastWriteTimeUtc.Ticks);
        lock (_lock)
        {
            if (Entries().TryGetValue(info.FullName, out var known) && known.Size == size && known.Time == time)
            {
                return known.Hash;
            }
        }

        string hash;
        using (var stream = new FileStream(info.FullName, FileMode.Open, FileAccess.Read, FileShare.Read, 1, FileOptions.SequentialScan))
        {
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
        }

        lock (_lock)
        {
            Entries()[info.FullName] = new Entry(hash, size, time);
            _changed = true;
        }

        return hash;
    }

    /// <summary>The SHA-256 of the <c>sha256sum</c> listing of every regular file under <paramref name="directory"/>.</summary>
    /// <param name="directory">The tree.</param>
    /// <param name="ignored">Top-level entries left out (a package manager's own bookkeeping).</param>
    public string HashTree(string directory, IReadOnlyCollection<string>? ignored = null)
    {
        var root = new DirectoryInfo(Path.GetFullPath(directory));
        var files = new List<string>();
        Collect(root, string.Empty, ignored ?? [], files);
        files.Sort(ByUtf8Bytes);
        var listing = new StringBuilder();
        foreach (var relative in files)
        {
            // sha256sum escapes a name with a backslash or line break: a '\' before the line, and \\, \n, \r in the name.
            var hash = HashFile(Path.Combine(root.FullName, relative));
            if (relative.AsSpan().IndexOfAny('\\', '\n', '\r') >= 0)
            {
                listing.Append('\\').Append(hash).Append("  ")
                    .Append(relative.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal))
                    .Append('\n');
            }
            else
            {
                listing.Append(hash).Append("  ").Append(relative).Append('\n');
            }
        }

        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(listing.ToString())));
    }

    /// <summary>Writes what was hashed to the cache file, if anything changed; a cache that cannot be written is skipped.</summary>
    public void Save()
    {
        if (_cacheFile is null)
        {
            return;
        }

        string text;
        lock (_lock)
        {
            if (!_changed || _entries is null)
            {
                return;
            }

            var builder = new StringBuilder();
            // A path with a line break would read back as another path's entry: such files are hashed every time.
            // Files that are gone (an uninstalled package) are dropped, so the cache does not grow without end.
            foreach (var (path, entry) in _entries.Where(pair => pair.Key.AsSpan().IndexOfAny('\n', '\r') < 0 && File.Exists(pair.Key)).OrderBy(pair => pair.Key, StringComparer.Ordinal))
            {
                builder.Append(CultureInfo.InvariantCulture, $"{entry.Hash}\t{entry.Size}\t{entry.Time}\t{path}\n");
            }

            text = builder.ToString();
            _changed = false;
        }

        try
        {
            // Written aside and renamed over, so a reader never sees half a cache.
            Directory.CreateDirectory(Path.GetDirectoryName(_cacheFile)!);
            var temporary = $"{_cacheFile}.{Environment.ProcessId}.tmp";
            File.WriteAllText(temporary, text);
            File.Move(temporary, _cacheFile, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // Only the next run's speed depends on it.
        }
    }

    /// <summary>The order of <c>LC_ALL=C sort</c>: by UTF-8 bytes, which is code point order (UTF-16 ordinal puts surrogates before U+E000-U+FFFF).</summary>
    private static int ByUtf8Bytes(string left, string right)
    {
        var (a, b) = (left.EnumerateRunes(), right.EnumerateRunes());
        while (true)
        {
            var (moreA, moreB) = (a.MoveNext(), b.MoveNext());
            if (!moreA || !moreB)
            {
                return moreA.CompareTo(moreB);
            }

            if (a.Current.Value != b.Current.Value)
            {
                return a.Current.Value.CompareTo(b.Current.Value);
            }
        }
    }

    private static void Collect(DirectoryInfo directory, string prefix, IReadOnlyCollection<string> ignored, List<string> files)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            var relative = prefix + entry.Name;
            if ((prefix.Length == 0 && ignored.Contains(entry.Name)) || entry.Attributes.HasFlag(FileAttributes.ReparsePoint))
            {
                continue;
            }

            if (entry is DirectoryInfo subdirectory)
            {
                Collect(subdirectory, relative + "/", ignored, files);
            }
            else
            {
                files.Add(relative);
            }
        }
    }

    private Dictionary<string, Entry> Entries()
    {
        if (_entries is not null)
        {
            return _entries;
        }

        _entries = new Dictionary<string, Entry>(StringComparer.Ordinal);
        if (_cacheFile is null)
        {
            return _entries;
        }

        try
        {
            foreach (var line in File.ReadLines(_cacheFile))
            {
                var fields = line.Split('\t', 4);
                // A hash read back is trusted as the file's, so a line that is not one is dropped, never returned.
                if (fields.Length == 4 && PluginDigest.IsValid(fields[0]) && !fields[0].Any(char.IsAsciiLetterUpper)
                    && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
                    && long.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var time))
                {
                    _entries[fields[3]] = new Entry(fields[0], size, time);
                }
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // No cache yet, or an unreadable one: everything is hashed afresh.
        }

        return _entries;
    }

    private readonly record struct Entry(string Hash, long Size, long Time);
}
