using TalkingBinaries.Hosting.Packages;

namespace TalkingBinaries.Hosting.Discovery;

/// <summary>Finds the executable for a plugin reference, in the order docs/devfile.md documents.</summary>
/// <remarks>
/// Order: a <c>source</c>, in the package cache; an explicit <c>path</c>; a <c>name</c> with a slash, relative to the base directory; a bare <c>name</c>
/// on PATH; with neither, <c>plugin-&lt;ref&gt;</c> in the bundled directory, then <c>tb-&lt;ref&gt;</c> on PATH.
/// </remarks>
public sealed class PluginLocator
{
    /// <summary>Creates a locator that searches <paramref name="searchPath"/> (PATH's format) and the bundled directory.</summary>
    public PluginLocator(string? searchPath, string? bundledDirectory)
        : this(searchPath, bundledDirectory, null)
    {
    }

    /// <summary>Creates a locator that also finds packages installed in <paramref name="packages"/>.</summary>
    public PluginLocator(string? searchPath, string? bundledDirectory, PackageCache? packages)
    {
        Packages = packages;
        SearchDirectories = (searchPath ?? string.Empty)
            .Split(System.IO.Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .ToList();
        BundledDirectory = bundledDirectory;
    }

    /// <summary>A locator for this process: its PATH, and bundled plugins next to its executable.</summary>
    public static PluginLocator ForCurrentProcess() => For(null);

    /// <summary>A locator for a process whose environment is <paramref name="environment"/> (this one's when null): its PATH and package cache, and bundled plugins next to this executable.</summary>
    public static PluginLocator For(IReadOnlyDictionary<string, string>? environment) =>
        new(ProcessEnvironment.Variable(environment, "PATH"), AppContext.BaseDirectory, PackageCache.ForUser(environment));

    /// <summary>The cache packages are found in; with none, a plugin with a <c>source</c> is never found.</summary>
    public PackageCache? Packages { get; }

    /// <summary>The PATH directories searched for bare names.</summary>
    public IReadOnlyList<string> SearchDirectories { get; }

    /// <summary>The directory holding the bundled plugins, if any.</summary>
    public string? BundledDirectory { get; }

    /// <summary>The prefix of a bundled plugin's file name.</summary>
    public const string BundledPrefix = "plugin-";

    /// <summary>The prefix of a plugin found on PATH by its ref alone.</summary>
    public const string PathConventionPrefix = "tb-";

    /// <summary>Returns the full path of the plugin's executable, or throws <see cref="PluginNotFoundException"/>.</summary>
    public string Locate(PluginReference reference) => Find(reference).ExecutablePath;

    /// <summary>Finds the plugin's executable and says how, or throws <see cref="PluginNotFoundException"/>.</summary>
    /// <exception cref="PackageException">Its package is installed but offers no command to run for it.</exception>
    public LocatedPlugin Find(PluginReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        var tried = new List<string>();
        if (reference.Source is { } source)
        {
            if (Packages?.Find(source) is not { } package)
            {
                tried.Add(Packages is null
                    ? $"{source} (no package cache to look in)"
                    : $"{source} (not installed in {Packages.Root}: 'tb plugins install' installs it, and 'tb run' does on first need)");
                throw new PluginNotFoundException(reference, tried);
            }

            var executable = package.ExecutableFor(reference.Ref);
            return Check(executable, tried) is { } installed
                ? new LocatedPlugin(installed, PluginFoundBy.Package, package)
                : throw new PluginNotFoundException(reference, tried);
        }

        if (!string.IsNullOrEmpty(reference.Path))
        {
            return Check(System.IO.Path.GetFullPath(reference.Path, reference.BaseDirectory), tried) is { } atPath
                ? new LocatedPlugin(atPath, PluginFoundBy.Path)
                : throw new PluginNotFoundException(reference, tried);
        }

        if (!string.IsNullOrEmpty(reference.Name))
        {
            var (found, how) = reference.Name.Contains('/', StringComparison.Ordinal)
                ? (Check(System.IO.Path.GetFullPath(reference.Name, reference.BaseDirectory), tried), PluginFoundBy.Name)
                : (SearchPath(reference.Name, tried), PluginFoundBy.SearchPath);
            return found is not null ? new LocatedPlugin(found, how) : throw new PluginNotFoundException(reference, tried);
        }

        if (BundledDirectory is not null
            && Check(System.IO.Path.Combine(BundledDirectory, BundledPrefix + reference.Ref), tried) is { } bundled)
        {
            return new LocatedPlugin(bundled, PluginFoundBy.Bundled);
        }

        return SearchPath(PathConventionPrefix + reference.Ref, tried) is { } convention
            ? new LocatedPlugin(convention, PluginFoundBy.PathConvention)
            : throw new PluginNotFoundException(reference, tried);
    }

    /// <summary>Every file named <paramref name="fileName"/> in the PATH directories, in PATH order, with whether it can be run.</summary>
    /// <remarks>The first executable one is what a bare name finds; later ones are shadowed by it.</remarks>
    public IReadOnlyList<(string Path, bool Executable)> FindAllOnPath(string fileName)
    {
        var found = new List<(string, bool)>();
        foreach (var directory in SearchDirectories)
        {
            var candidate = System.IO.Path.Combine(directory, fileName);
            if (File.Exists(candidate))
            {
                found.Add((candidate, Check(candidate, []) is not null));
            }
        }

        return found;
    }

    /// <summary>Every file in the PATH directories whose name starts with <see cref="PathConventionPrefix"/>, by name, first one first.</summary>
    public IReadOnlyDictionary<string, string> FindConventionalOnPath()
    {
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var directory in SearchDirectories)
        {
            try
            {
                foreach (var file in Directory.EnumerateFiles(directory, PathConventionPrefix + "*"))
                {
                    found.TryAdd(System.IO.Path.GetFileName(file), file);
                }
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                // A PATH entry that does not exist or cannot be listed holds no plugin.
            }
        }

        return found;
    }

    private string? SearchPath(string fileName, List<string> tried)
    {
        foreach (var directory in SearchDirectories)
        {
            var candidate = System.IO.Path.Combine(directory, fileName);
            if (File.Exists(candidate) || Directory.Exists(candidate))
            {
                if (Check(candidate, tried) is { } found)
                {
                    return found;
                }
            }
        }

        tried.Add(SearchDirectories.Count == 0
            ? $"'{fileName}' on PATH (PATH is empty)"
            : $"'{fileName}' on PATH (no executable of that name in its {SearchDirectories.Count} {(SearchDirectories.Count == 1 ? "directory" : "directories")})");
        return null;
    }

    private static string? Check(string candidate, List<string> tried)
    {
        if (Directory.Exists(candidate))
        {
            tried.Add($"{candidate} (a directory, not an executable)");
            return null;
        }

        // File.Exists is true for a symlink whose target is missing, and reading its mode then throws (issue 10, item 8).
        if (BrokenLink(candidate) is { } broken)
        {
            tried.Add($"{candidate} ({broken})");
            return null;
        }

        if (!File.Exists(candidate))
        {
            tried.Add($"{candidate} (no such file)");
            return null;
        }

        try
        {
            if (!OperatingSystem.IsWindows()
                && (File.GetUnixFileMode(candidate) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
            {
                tried.Add($"{candidate} (not executable: chmod +x it)");
                return null;
            }
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            tried.Add($"{candidate} (cannot be read: {exception.Message})");
            return null;
        }

        return candidate;
    }

    /// <summary>"dangling symlink" or "symlink loop" when <paramref name="candidate"/> is a symlink that leads to no file; else null.</summary>
    private static string? BrokenLink(string candidate)
    {
        try
        {
            if (new FileInfo(candidate).LinkTarget is null)
            {
                return null;
            }

            return File.ResolveLinkTarget(candidate, returnFinalTarget: true) is { Exists: false } ? "dangling symlink" : null;
        }
        catch (IOException)
        {
            // Resolving a link that leads back to itself fails with ELOOP.
            return "symlink loop";
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }
}
