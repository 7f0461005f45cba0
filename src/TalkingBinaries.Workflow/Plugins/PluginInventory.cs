using TalkingBinaries.Hosting;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Hosting.Packages;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Plugins;

/// <summary>Every plugin a DevFile declares, where each was found and how it stands against its lock, with warnings about PATH.</summary>
/// <param name="Plugins">One listing per declared plugin, in the DevFile's order.</param>
/// <param name="Warnings">Shadowed plugins on PATH, non-executable files where a plugin was looked for, undeclared <c>tb-*</c> executables.</param>
public sealed record PluginInventory(IReadOnlyList<PluginListing> Plugins, IReadOnlyList<string> Warnings)
{
    /// <summary>Finds and hashes every declared plugin; a plugin that cannot be found is listed with its problem, not thrown.</summary>
    public static PluginInventory Take(DevFile devFile, PluginLocator locator, PluginLock? lockFile, PluginHashes hashes)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        ArgumentNullException.ThrowIfNull(locator);
        ArgumentNullException.ThrowIfNull(hashes);
        var listings = new List<PluginListing>();
        var warnings = new List<string>();
        // tb-<ref> of every declared plugin counts as declared, however the plugin is found (a path, a bundled plugin).
        var lookedUpOnPath = devFile.Plugins.Select(plugin => PluginLocator.PathConventionPrefix + plugin.Ref).ToHashSet(StringComparer.Ordinal);
        foreach (var plugin in devFile.Plugins)
        {
            var listing = List(devFile, plugin, locator, lockFile, hashes);
            listings.Add(listing);
            var fileName = plugin.Source is null && plugin.Path is null
                ? plugin.Name is { } name ? name.Contains('/', StringComparison.Ordinal) ? null : name : PluginLocator.PathConventionPrefix + plugin.Ref
                : null;
            if (fileName is null)
            {
                continue;
            }

            lookedUpOnPath.Add(fileName);
            var onPath = locator.FindAllOnPath(fileName);
            if (listing.Located is { FoundBy: PluginFoundBy.Bundled } bundled)
            {
                foreach (var (path, _) in onPath)
                {
                    warnings.Add($"plugin '{plugin.Ref}': the bundled {bundled.ExecutablePath} shadows {path} on PATH; the bundled one runs (give the entry 'name: {fileName}' to run the other)");
                }

                continue;
            }

            foreach (var (path, executable) in onPath.Where(candidate => !candidate.Executable))
            {
                warnings.Add($"plugin '{plugin.Ref}': {path} is named like it but is not executable (chmod +x it, or remove it)");
            }

            var runnable = onPath.Where(candidate => candidate.Executable).Select(candidate => candidate.Path).ToList();
            if (runnable.Count > 1)
            {
                warnings.Add($"plugin '{plugin.Ref}': {runnable[0]} shadows {string.Join(", ", runnable.Skip(1))} (same name, later on PATH); the first one runs");
            }
        }

        foreach (var (name, path) in locator.FindConventionalOnPath().OrderBy(pair => pair.Key, StringComparer.Ordinal))
        {
            if (!lookedUpOnPath.Contains(name))
            {
                warnings.Add($"{path} is on PATH but not declared in {devFile.Path}; add '- ref: {name[PluginLocator.PathConventionPrefix.Length..]}' under 'plugins:' to use it");
            }
        }

        hashes.Save();
        return new PluginInventory(listings, warnings);
    }

    /// <summary>Asks each plugin that was found for its handshake (version, protocol, capabilities), then stops it.</summary>
    public async Task<PluginInventory> ProbeAsync(HostingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var probed = await Task.WhenAll(Plugins.Select(listing => ProbeAsync(listing, options, cancellationToken))).ConfigureAwait(false);
        return this with { Plugins = probed };
    }

    private static async Task<PluginListing> ProbeAsync(PluginListing listing, HostingOptions options, CancellationToken cancellationToken)
    {
        if (listing.Located is not { } located)
        {
            return listing;
        }

        if (listing.Definition.Protocol == PluginProtocol.Seed)
        {
            return listing with { ProbeProblem = "seed format: no handshake to ask" };
        }

        if (listing.LockStatus == PluginLockStatus.Mismatch)
        {
            return listing with { ProbeProblem = "not started: it does not match its pinned hash" };
        }

        try
        {
            var command = new PluginCommand { ExecutablePath = located.ExecutablePath, Name = listing.Definition.Ref };
            await using var process = PluginProcess.Start(command, options);
            return listing with { Handshake = await process.InitializeAsync(cancellationToken).ConfigureAwait(false) };
        }
        catch (PluginException exception)
        {
            return listing with { ProbeProblem = exception.Message };
        }
    }

    private static PluginListing List(DevFile devFile, PluginDefinition plugin, PluginLocator locator, PluginLock? lockFile, PluginHashes hashes)
    {
        var reference = PluginResolver.Reference(devFile, plugin);
        var declared = new ResolvedPlugin(plugin, new LocatedPlugin(string.Empty, PluginFoundBy.Path)).DeclaredSource;
        var listing = new PluginListing(plugin, declared);
        ResolvedPlugin resolved;
        try
        {
            resolved = new ResolvedPlugin(plugin, locator.Find(reference));
        }
        catch (PluginNotFoundException exception)
        {
            return listing with { Problem = "not found: " + string.Join("; ", exception.Tried) };
        }
        catch (PackageException exception)
        {
            return listing with { Problem = exception.Message };
        }

        listing = listing with { Located = resolved.Located, FoundBy = resolved.FoundBy };
        string hash;
        try
        {
            hash = resolved.Hash(hashes);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return listing with { Problem = $"cannot be read: {exception.Message}" };
        }

        var entry = lockFile?.Entry(plugin.Ref) is { } pinned && pinned.Source == declared ? pinned : null;
        var expected = new[] { plugin.Sha256, entry?.Sha256 }.OfType<string>().ToList();
        var status = expected.Any(pin => pin != hash) ? PluginLockStatus.Mismatch
            : entry is null && lockFile is not null ? PluginLockStatus.NotLocked
            : expected.Count > 0 ? PluginLockStatus.Matches
            : PluginLockStatus.NotPinned;
        return listing with { Sha256 = hash, LockedSha256 = entry?.Sha256, LockStatus = status };
    }
}
