using System.Diagnostics;
using System.Globalization;
using TalkingBinaries.Hosting.Packages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Plugins;

namespace TalkingBinaries.Cli;

/// <summary>Installs the packages a DevFile's plugins come from, saying what it does as it goes.</summary>
internal static class PackageInstalls
{
    /// <summary>Installs every package not in the cache yet; null when all are in, else (after saying why) the exit code to end with.</summary>
    public static async Task<int?> InstallMissingAsync(Terminal terminal, DevFile devFile, PackageCache? cache, Interruption interruption) =>
        await EnsureAsync(terminal, devFile, cache, interruption.Stop) ? null
        : interruption.Signal is null ? ExitCodes.UsageOrConfig
        : ExitCodes.Stopped(interruption.Signal);

    private static async Task<bool> EnsureAsync(Terminal terminal, DevFile devFile, PackageCache? cache, CancellationToken cancellationToken)
    {
        if (cache is null)
        {
            return true;
        }

        foreach (var plugin in PluginResolver.Missing(devFile, cache))
        {
            var source = plugin.Source!;
            terminal.ErrorLine($"tb: installing {source} for plugin '{plugin.Ref}' into {cache.DirectoryFor(source)} ...");
            var clock = Stopwatch.StartNew();
            try
            {
                await cache.InstallAsync(source, devFile.Directory, cancellationToken).ConfigureAwait(false);
            }
            catch (PackageException exception)
            {
                terminal.ErrorLine($"tb: {terminal.Red("error")}: {plugin.Location}: plugin '{plugin.Ref}': {exception.Message}");
                return false;
            }
            catch (OperationCanceledException)
            {
                terminal.ErrorLine($"tb: {terminal.Red("error")}: installing {source} was interrupted; nothing was left in the cache");
                return false;
            }

            terminal.ErrorLine($"tb: installed {source} in {clock.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
        }

        return true;
    }
}
