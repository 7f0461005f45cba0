namespace TalkingBinaries.Hosting.Packages;

/// <summary>The per-user cache of plugin packages, one directory per source and version, installed by each ecosystem's own client.</summary>
/// <remarks>
/// A package is installed into a staging directory and renamed into place when complete, so a directory in the cache
/// is always a whole install, and two hosts installing the same package at once both end up using one of them.
/// </remarks>
public sealed class PackageCache
{
    /// <summary>Creates a cache rooted at <paramref name="root"/>.</summary>
    public PackageCache(string root)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        Root = Path.GetFullPath(root);
    }

    /// <summary>The cache directory: <c>$XDG_CACHE_HOME/tb/plugins</c>, or <c>~/.cache/tb/plugins</c>.</summary>
    public string Root { get; }

    /// <summary>The cache for this user, as the XDG base directory specification places it.</summary>
    public static PackageCache ForCurrentUser() => ForUser(null);

    /// <summary>The cache of the user whose environment is <paramref name="environment"/> (this process's when null).</summary>
    public static PackageCache ForUser(IReadOnlyDictionary<string, string>? environment) => new(Path.Combine(UserCacheDirectory(environment), "tb", "plugins"));

    /// <summary><c>$XDG_CACHE_HOME</c> when set to an absolute path, else <c>$HOME/.cache</c>, in <paramref name="environment"/> (this process's when null).</summary>
    public static string UserCacheDirectory(IReadOnlyDictionary<string, string>? environment = null)
    {
        var configured = ProcessEnvironment.Variable(environment, "XDG_CACHE_HOME");
        if (!string.IsNullOrEmpty(configured) && Path.IsPathRooted(configured))
        {
            return configured;
        }

        var home = ProcessEnvironment.Variable(environment, "HOME");
        return Path.Combine(string.IsNullOrEmpty(home) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : home, ".cache");
    }

    /// <summary>Where <paramref name="source"/> is (or would be) installed.</summary>
    public string DirectoryFor(PackageSource source)
    {
        ArgumentNullException.ThrowIfNull(source);

        // An npm scope's slash becomes '+', which no package name contains, so the path stays one level per part.
        var name = source.Ecosystem == PackageEcosystem.NuGet ? source.Name.ToLowerInvariant() : source.Name.Replace('/', '+');
        return Path.Combine(Root, source.Ecosystem == PackageEcosystem.NuGet ? "nuget" : "npm", name, source.Version);
    }

    /// <summary>The installed package, or null when it is not in the cache.</summary>
    /// <exception cref="PackageException">Its directory holds a damaged install; the message says to remove it.</exception>
    public InstalledPackage? Find(PackageSource source) => InstalledPackage.Read(source, DirectoryFor(source));

    /// <summary>Installs <paramref name="source"/> unless it is in the cache already, and returns it.</summary>
    /// <param name="source">The package.</param>
    /// <param name="workingDirectory">Where the client runs, so that directory's NuGet configuration applies (a workflow's own directory).</param>
    /// <param name="cancellationToken">Stops the client (its whole process tree) and leaves nothing in the cache.</param>
    /// <exception cref="PackageException">The client is missing, failed (the message ends with its last lines of output), or the package offers no command.</exception>
    public async Task<InstalledPackage> InstallAsync(PackageSource source, string workingDirectory, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (Find(source) is { } installed)
        {
            return installed;
        }

        var final = DirectoryFor(source);
        var staging = Path.Combine(Root, ".staging", $"{Path.GetFileName(Path.GetDirectoryName(final))}-{source.Version}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(staging);
        try
        {
            await PackageClient.InstallAsync(source, staging, workingDirectory, cancellationToken).ConfigureAwait(false);
            if (InstalledPackage.Read(source, staging) is null)
            {
                throw new PackageException($"installing {source} left no package in {staging}; the client reported success, so check its configuration");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(final)!);
            try
            {
                Directory.Move(staging, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                // Another host installed it meanwhile; theirs is as good as ours.
            }
        }
        finally
        {
            if (Directory.Exists(staging))
            {
                TryDelete(staging);
            }
        }

        return Find(source) ?? throw new PackageException($"{source} was installed but {final} does not hold it; remove that directory and install again");
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            // A staging directory left behind holds nothing that is ever read.
        }
    }
}
