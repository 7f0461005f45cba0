using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Plugins;

/// <summary>Checks plugins against the hashes a DevFile (<c>sha256:</c>) and its lock file pin, and writes lock files.</summary>
public static class PluginIntegrity
{
    /// <summary>Checks every plugin that has a pinned hash; returns warnings, and throws for anything that must stop a run.</summary>
    /// <param name="devFile">The DevFile.</param>
    /// <param name="plugins">Its plugins, found.</param>
    /// <param name="lockFile">Its lock file, if there is one.</param>
    /// <param name="frozen">Whether a missing or stale lock file is an error rather than a warning (<c>tb run --frozen</c>, for CI).</param>
    /// <param name="hashes">Hashes files, with its cache.</param>
    /// <exception cref="DevFileException">A plugin does not match its pinned hash, or the lock pins another source; with <paramref name="frozen"/>, the lock is missing or stale.</exception>
    public static IReadOnlyList<string> Verify(DevFile devFile, IReadOnlyList<ResolvedPlugin> plugins, PluginLock? lockFile, bool frozen, PluginHashes hashes)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(hashes);
        var errors = new List<DevFileError>();
        var warnings = new List<string>();
        var lockName = lockFile?.Path ?? PluginLock.PathFor(devFile.Path);
        if (frozen && lockFile is null)
        {
            errors.Add(new DevFileError(new SourceLocation(devFile.Path, 1, 1), $"--frozen needs the lock file {lockName}, and there is none; run 'tb lock' and commit it"));
        }

        void Stale(SourceLocation at, string problem)
        {
            if (frozen)
            {
                errors.Add(new DevFileError(at, $"{problem}; --frozen runs only what the lock file pins: run 'tb lock' and commit it"));
            }
            else
            {
                warnings.Add($"{at}: {problem}; run 'tb lock' to pin it");
            }
        }

        foreach (var plugin in plugins)
        {
            var definition = plugin.Definition;
            var entry = lockFile?.Entry(plugin.Ref);
            if (lockFile is not null && entry is null)
            {
                Stale(definition.Location, $"{lockName} does not pin plugin '{plugin.Ref}'");
            }
            else if (entry is not null && entry.Source != plugin.DeclaredSource)
            {
                errors.Add(new DevFileError(definition.Location, $"{lockName} pins plugin '{plugin.Ref}' to {entry.Source}, but the DevFile says {plugin.DeclaredSource}; run 'tb lock' to pin it anew"));
                entry = null;
            }

            var pinned = new List<(string Hash, string Where)>();
            if (definition.Sha256 is { } declared)
            {
                pinned.Add((declared, "its 'sha256:' in the DevFile"));
            }

            if (entry is not null)
            {
                pinned.Add((entry.Sha256, lockName));
            }

            if (pinned.Count == 0)
            {
                continue;
            }

            string actual;
            try
            {
                actual = plugin.Hash(hashes);
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                errors.Add(new DevFileError(definition.Location, $"plugin '{plugin.Ref}' ({plugin.Located.ExecutablePath}) cannot be read to check its hash: {exception.Message}"));
                continue;
            }

            foreach (var (expected, where) in pinned.Where(pin => pin.Hash != actual))
            {
                var what = plugin.Located.Package is { } package ? $"package {package.Source} in {package.Directory}" : plugin.Located.ExecutablePath;
                var update = where == lockName ? "run 'tb lock' to pin it" : "put its hash in 'sha256:'";
                var restore = plugin.Located.Package is { } installed ? $"remove {installed.Directory} and run 'tb plugins install'" : "restore the file you expected";
                errors.Add(new DevFileError(definition.Location, $"plugin '{plugin.Ref}' ({what}) does not match {where}: expected sha256 {expected}, found {actual}. "
                    + $"It was changed or replaced: if you trust it, {update}; otherwise {restore}"));
            }
        }

        foreach (var orphan in lockFile?.Plugins.Where(entry => plugins.All(plugin => plugin.Ref != entry.Ref)) ?? [])
        {
            Stale(new SourceLocation(lockName, 1, 1), $"{lockName} pins plugin '{orphan.Ref}', which the DevFile no longer declares");
        }

        hashes.Save();
        return errors.Count == 0 ? warnings : throw new DevFileException(errors);
    }

    /// <summary>The lock file that pins <paramref name="plugins"/> as they are now.</summary>
    /// <exception cref="IOException">A plugin's file cannot be read.</exception>
    public static PluginLock CreateLock(DevFile devFile, IReadOnlyList<ResolvedPlugin> plugins, PluginHashes hashes)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        ArgumentNullException.ThrowIfNull(plugins);
        ArgumentNullException.ThrowIfNull(hashes);
        var entries = plugins
            .Select(plugin => new PluginLockEntry(plugin.Ref, plugin.DeclaredSource, plugin.FoundBy, plugin.Definition.Source?.Version, plugin.RecordedExecutable(devFile.Directory), plugin.Hash(hashes)))
            .ToList();
        hashes.Save();
        return new PluginLock(PluginLock.PathFor(devFile.Path), entries);
    }
}
