using TalkingBinaries.Hosting;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Planning;
using TalkingBinaries.Workflow.Plugins;

namespace TalkingBinaries.Cli;

/// <summary><c>tb validate</c>'s warnings about variables and outputs that nothing declares (docs/devfile.md, "Validation").</summary>
internal static class DeclarationWarnings
{
    // Validation should be quick: a plugin that has not answered by then is warned about and counts as declaring nothing.
    private static readonly TimeSpan HandshakeDeadline = TimeSpan.FromSeconds(5);

    /// <summary>Asks every protocol-v1 plugin at once what it declares (unless --no-probe), then prints a warning line per problem; never fails.</summary>
    public static async Task PrintAsync(Terminal terminal, DevFile devFile, IEnumerable<string> given, ValidateArguments arguments)
    {
        var declarations = new Dictionary<string, PluginDeclarations?>(StringComparer.Ordinal);
        if (!arguments.NoProbe)
        {
            foreach (var (reference, declared) in await AskAsync(terminal, devFile, arguments.Version))
            {
                declarations[reference] = declared;
            }
        }

        foreach (var warning in DeclarationChecks.Warn(devFile, given, declarations, asked: !arguments.NoProbe))
        {
            terminal.ErrorLine($"tb: {terminal.Yellow("warning")}: {warning}");
        }
    }

    private static async Task<IEnumerable<(string Ref, PluginDeclarations? Declared)>> AskAsync(Terminal terminal, DevFile devFile, string version)
    {
        PluginLock? lockFile;
        try
        {
            lockFile = PluginLock.Load(PluginLock.PathFor(devFile.Path));
        }
        catch (DevFileException)
        {
            // tb run reports an unreadable lock file; here it only means no plugin is held to a pin.
            lockFile = null;
        }

        var used = devFile.Steps.Select(step => step.Plugin).ToHashSet(StringComparer.Ordinal);
        var inventory = PluginInventory.Take(devFile with { Plugins = [.. devFile.Plugins.Where(plugin => used.Contains(plugin.Ref))] }, PluginLocator.ForCurrentProcess(), lockFile, PluginHashes.ForCurrentUser());
        using var interruption = new Interruption(message => terminal.ErrorLine($"tb: {message}"));
        var options = HostingOptions.Default with { Host = new PeerInfo("tb", version), HandshakeTimeout = HandshakeDeadline, StopGrace = TimeSpan.FromSeconds(1) };
        try
        {
            inventory = await inventory.ProbeAsync(options, interruption.Stop);
        }
        catch (OperationCanceledException)
        {
            // Ctrl-C: Interruption has said so; validation goes on as if nothing were declared.
            return [];
        }

        foreach (var plugin in inventory.Plugins.Where(plugin => plugin.Definition.Protocol == PluginProtocol.V1 && plugin.Handshake is null))
        {
            terminal.ErrorLine($"tb: {terminal.Yellow("warning")}: plugin '{plugin.Definition.Ref}' was not asked what it declares ({plugin.ProbeProblem ?? plugin.Problem}); "
                + "references to what it may set are not checked; fix the plugin, or pass --no-probe to skip asking");
        }

        return inventory.Plugins.Select(plugin => (plugin.Definition.Ref, plugin.Handshake?.Declares));
    }
}
