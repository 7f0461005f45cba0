namespace TalkingBinaries.Workflow.UpToDate;

/// <summary>A step's <c>inputs</c> or <c>outputs</c>: patterns of files relative to the DevFile, and <c>!</c> patterns left out.</summary>
/// <remarks>
/// Walking never enters <c>.git</c> or <c>.tb</c> (unless a pattern names them) or a symbolic link to a directory,
/// so a link loop cannot hang it; a symbolic link to a file counts as the file.
/// </remarks>
public sealed class FileSet
{
    private static readonly EnumerationOptions Listing = new() { AttributesToSkip = 0, IgnoreInaccessible = true, RecurseSubdirectories = false };

    /// <summary>Creates a set from parsed patterns.</summary>
    public FileSet(IReadOnlyList<FileGlob> include, IReadOnlyList<FileGlob> exclude)
    {
        Include = include;
        Exclude = exclude;
    }

    /// <summary>The patterns whose files are in the set.</summary>
    public IReadOnlyList<FileGlob> Include { get; }

    /// <summary>The patterns (written with a leading <c>!</c>) whose files are left out.</summary>
    public IReadOnlyList<FileGlob> Exclude { get; }

    /// <summary>The files in the set now, as paths relative to <paramref name="directory"/> with '/', in ordinal order.</summary>
    public IReadOnlyList<string> Expand(string directory)
    {
        var found = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var glob in Include)
        {
            var root = Path.GetFullPath(Path.Combine(directory, glob.Root));
            if (!glob.HasWildcard)
            {
                if (File.Exists(root))
                {
                    Add(found, directory, root);
                }
                else if (Directory.Exists(root))
                {
                    Walk(root, [], glob, found, directory);
                }

                continue;
            }

            if (Directory.Exists(root))
            {
                Walk(root, [], glob, found, directory);
            }
        }

        return [.. found];
    }

    /// <summary>Whether the file at <paramref name="path"/> (absolute) is in the set, judged by its path alone.</summary>
    public bool Contains(string directory, string path)
    {
        return Include.Any(glob => Matches(glob, directory, path)) && !Exclude.Any(glob => Matches(glob, directory, path));
    }

    /// <summary>Where each pattern is looked for (its leading segments without a wildcard), as absolute paths.</summary>
    public IEnumerable<string> Roots(string directory) =>
        Include.Select(glob => Path.GetFullPath(Path.Combine(directory, glob.Root)));

    /// <summary>Whether <paramref name="path"/> (absolute) could be a directory holding files of the set, or one of the patterns' roots or their ancestors.</summary>
    public bool MayHold(string directory, string path) => Include.Any(glob =>
    {
        var root = Path.GetFullPath(Path.Combine(directory, glob.Root));
        var relative = Path.GetRelativePath(root, path);
        if (relative == "." || relative == ".." || relative.StartsWith("../", StringComparison.Ordinal))
        {
            // The root itself, or an ancestor of it, went away or came back.
            return relative == "." || root.StartsWith(path.TrimEnd('/') + "/", StringComparison.Ordinal);
        }

        return glob.MayMatchBeneath(relative.Split(Path.DirectorySeparatorChar));
    });

    private void Add(SortedSet<string> found, string directory, string path)
    {
        if (!Exclude.Any(glob => Matches(glob, directory, path)))
        {
            found.Add(Path.GetRelativePath(directory, path).Replace(Path.DirectorySeparatorChar, '/'));
        }
    }

    private static bool Matches(FileGlob glob, string directory, string path)
    {
        var relative = Path.GetRelativePath(Path.GetFullPath(Path.Combine(directory, glob.Root)), path);
        if (relative == ".")
        {
            return !glob.HasWildcard;
        }

        if (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
        {
            return false;
        }

        return glob.Matches(relative.Split(Path.DirectorySeparatorChar));
    }

    private void Walk(string path, List<string> relative, FileGlob glob, SortedSet<string> found, string directory)
    {
        foreach (var entry in new DirectoryInfo(path).EnumerateFileSystemInfos("*", Listing))
        {
            relative.Add(entry.Name);
            if (entry is DirectoryInfo)
            {
                if (entry.LinkTarget is null && entry.Name is not (".git" or ".tb") && glob.MayMatchBeneath(relative.ToArray()))
                {
                    Walk(entry.FullName, relative, glob, found, directory);
                }
            }
            else if (glob.Matches(relative.ToArray()))
            {
                Add(found, directory, entry.FullName);
            }

            relative.RemoveAt(relative.Count - 1);
        }
    }
}
