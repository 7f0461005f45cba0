using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Hosting.Packages;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Plugins;

/// <summary>Finds every plugin a DevFile declares, with one error per plugin that cannot be found.</summary>
public static class PluginResolver
{
    /// <summary>Finds each declared plugin, in the DevFile's order.</summary>
    /// <exception cref="DevFileException">Some cannot be found; each error names the plugin's line, every place tried and what to do.</exception>
    public static IReadOnlyList<ResolvedPlugin> Resolve(DevFile devFile, PluginLocator locator)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        ArgumentNullException.ThrowIfNull(locator);
        var found = new List<ResolvedPlugin>();
        var errors = new List<DevFileError>();
        foreach (var plugin in devFile.Plugins)
        {
            try
            {
                found.Add(new ResolvedPlugin(plugin, locator.Find(Reference(devFile, plugin))));
            }
            catch (PluginNotFoundException exception)
            {
                var advice = plugin.Source is not null
                    ? "Run 'tb plugins install' (or 'tb run', which installs what is missing)."
                    : "Build it (./build.sh builds the bundled ones), fix its name or path, or put it on PATH.";
                errors.Add(new DevFileError(plugin.Location, $"plugin '{plugin.Ref}' not found; looked at: {string.Join("; ", exception.Tried)}. {advice}"));
            }
            catch (PackageException exception)
            {
                errors.Add(new DevFileError(plugin.Location, $"plugin '{plugin.Ref}': {exception.Message}"));
            }
        }

        return errors.Count == 0 ? found : throw new DevFileException(errors);
    }

    /// <summary>The plugins whose package is not in <paramref name="cache"/> yet.</summary>
    public static IReadOnlyList<PluginDefinition> Missing(DevFile devFile, PackageCache cache)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        ArgumentNullException.ThrowIfNull(cache);
        return devFile.Plugins.Where(plugin => plugin.Source is { } source && !IsInstalled(cache, source)).ToList();
    }

    private static bool IsInstalled(PackageCache cache, PackageSource source)
    {
        try
        {
            return cache.Find(source) is not null;
        }
        catch (PackageException)
        {
            // A damaged install is not installed over; Resolve reports it with what to do.
            return true;
        }
    }

    /// <summary>How <paramref name="plugin"/> is named to a <see cref="PluginLocator"/>.</summary>
    public static PluginReference Reference(DevFile devFile, PluginDefinition plugin)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        ArgumentNullException.ThrowIfNull(plugin);
        return new PluginReference(plugin.Ref, plugin.Name, plugin.Path, devFile.Directory) { Source = plugin.Source };
    }
}
