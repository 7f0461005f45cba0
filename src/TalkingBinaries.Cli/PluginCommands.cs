using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Plugins;

namespace TalkingBinaries.Cli;

/// <summary>What <c>tb plugins</c>, <c>tb plugins install</c> and <c>tb lock</c> do.</summary>
internal static class PluginCommands
{
    /// <summary><c>tb plugins install</c>: installs every package the DevFile's plugins come from.</summary>
    public static async Task<int> InstallAsync(string? file, bool noColor)
    {
        using var terminal = Terminal.ForConsole(noColor);
        if (!Commands.TryLoad(terminal, file, out var devFile))
        {
            return ExitCodes.UsageOrConfig;
        }

        var locator = PluginLocator.ForCurrentProcess();
        using var interruption = new Interruption(message => terminal.ErrorLine($"tb: {message}"));
        if (await PackageInstalls.InstallMissingAsync(terminal, devFile, locator.Packages, interruption) is { } failed)
        {
            return failed;
        }

        var packaged = devFile.Plugins.Count(plugin => plugin.Source is not null);
        terminal.Line($"{devFile.Path}: {packaged} {(packaged == 1 ? "package" : "packages")} installed in {locator.Packages!.Root}");
        return ExitCodes.Success;
    }

    /// <summary><c>tb lock</c>: installs what is missing, then pins every plugin's source, version, executable and hash.</summary>
    public static async Task<int> LockAsync(string? file, bool noColor)
    {
        using var terminal = Terminal.ForConsole(noColor);
        if (!Commands.TryLoad(terminal, file, out var devFile))
        {
            return ExitCodes.UsageOrConfig;
        }

        var locator = PluginLocator.ForCurrentProcess();
        using var interruption = new Interruption(message => terminal.ErrorLine($"tb: {message}"));
        if (await PackageInstalls.InstallMissingAsync(terminal, devFile, locator.Packages, interruption) is { } failed)
        {
            return failed;
        }

        PluginLock written;
        try
        {
            var plugins = PluginResolver.Resolve(devFile, locator);
            var previous = PluginLock.Load(PluginLock.PathFor(devFile.Path));
            written = PluginIntegrity.CreateLock(devFile, plugins, PluginHashes.ForCurrentUser());
            written.Write();
            foreach (var entry in written.Plugins)
            {
                var before = previous?.Entry(entry.Ref);
                var change = before is null ? "added" : before.Sha256 != entry.Sha256 || before.Source != entry.Source ? "updated" : "unchanged";
                terminal.Line($"  {entry.Ref}: {entry.Source}{(entry.Version is null ? string.Empty : $" ({entry.Version})")} sha256 {PluginDigest.Abbreviate(entry.Sha256)} {change}");
            }
        }
        catch (DevFileException exception)
        {
            Commands.PrintErrors(terminal, exception);
            return ExitCodes.UsageOrConfig;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            terminal.ErrorLine($"tb: {terminal.Red("error")}: cannot write {PluginLock.PathFor(devFile.Path)}: {exception.Message}");
            return ExitCodes.UsageOrConfig;
        }

        terminal.Line($"{written.Path}: {written.Plugins.Count} {(written.Plugins.Count == 1 ? "plugin" : "plugins")} pinned");
        return ExitCodes.Success;
    }

    /// <summary><c>tb plugins</c>: lists each declared plugin, where it was found, its hash and lock status, and warnings about PATH.</summary>
    public static async Task<int> ListAsync(string? file, bool probe, bool json, bool noColor, string version)
    {
        using var terminal = Terminal.ForConsole(noColor || json);
        if (!Commands.TryLoad(terminal, file, out var devFile))
        {
            return ExitCodes.UsageOrConfig;
        }

        PluginLock? lockFile;
        try
        {
            lockFile = PluginLock.Load(PluginLock.PathFor(devFile.Path));
        }
        catch (DevFileException exception)
        {
            Commands.PrintErrors(terminal, exception);
            return ExitCodes.UsageOrConfig;
        }

        var inventory = PluginInventory.Take(devFile, PluginLocator.ForCurrentProcess(), lockFile, PluginHashes.ForCurrentUser());
        if (probe)
        {
            using var interruption = new Interruption(message => terminal.ErrorLine($"tb: {message}"));
            inventory = await inventory.ProbeAsync(HostingOptions.Default with { Host = new PeerInfo("tb", version) }, interruption.Stop);
        }

        if (json)
        {
            terminal.Line(Json(devFile, lockFile, inventory, probe));
        }
        else
        {
            Print(terminal, devFile, lockFile, inventory, probe);
        }

        return inventory.Plugins.Any(plugin => plugin.Problem is not null || plugin.LockStatus == PluginLockStatus.Mismatch) ? ExitCodes.StepFailed : ExitCodes.Success;
    }

    private static void Print(Terminal terminal, DevFile devFile, PluginLock? lockFile, PluginInventory inventory, bool probe)
    {
        terminal.Line($"{devFile.Path}: {inventory.Plugins.Count} {(inventory.Plugins.Count == 1 ? "plugin" : "plugins")}, {(lockFile is null ? "no lock file" : $"locked in {Path.GetFileName(lockFile.Path)}")}");
        string[] header = probe ? ["REF", "FOUND BY", "PATH", "SHA256", "LOCK", "VERSION", "PROTOCOL", "CAPABILITIES"] : ["REF", "FOUND BY", "PATH", "SHA256", "LOCK"];
        var rows = inventory.Plugins.Select(plugin =>
        {
            string[] row =
            [
                plugin.Definition.Ref,
                plugin.FoundBy ?? "-",
                plugin.Located?.ExecutablePath ?? "(not found)",
                plugin.Sha256 is { } hash ? PluginDigest.Abbreviate(hash) : "-",
                Status(plugin.LockStatus),
            ];
            return probe ? [.. row, .. Probed(plugin)] : row;
        }).ToList();
        var widths = Enumerable.Range(0, header.Length)
            .Select(column => rows.Select(row => row[column].Length).Append(header[column].Length).Max())
            .ToArray();
        terminal.Lines(rows.Prepend(header).Select(row => string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd()));
        foreach (var plugin in inventory.Plugins.Where(plugin => plugin.LockStatus == PluginLockStatus.Mismatch))
        {
            terminal.ErrorLine($"tb: {terminal.Red("error")}: plugin '{plugin.Definition.Ref}' has sha256 {plugin.Sha256}, but {plugin.Definition.Sha256 ?? plugin.LockedSha256} is pinned; 'tb run' refuses it ('tb lock' pins it anew if you trust it)");
        }

        foreach (var plugin in inventory.Plugins.Where(plugin => plugin.Problem is not null))
        {
            terminal.ErrorLine($"tb: {terminal.Red("error")}: {plugin.Definition.Location}: plugin '{plugin.Definition.Ref}' {plugin.Problem}");
        }

        foreach (var warning in inventory.Warnings)
        {
            terminal.ErrorLine($"tb: {terminal.Yellow("warning")}: {warning}");
        }
    }

    private static string Status(PluginLockStatus status) => status switch
    {
        PluginLockStatus.Matches => "ok",
        PluginLockStatus.Mismatch => "MISMATCH",
        PluginLockStatus.NotLocked => "not in lock",
        _ => "not pinned",
    };

    private static string[] Probed(PluginListing plugin)
    {
        if (plugin.Handshake is not { } handshake)
        {
            return [plugin.ProbeProblem ?? "-", "-", "-"];
        }

        var capabilities = handshake.Capabilities;
        var offered = new List<string>();
        if (capabilities.Warm)
        {
            offered.Add("warm");
        }

        if (capabilities.Cancel)
        {
            offered.Add("cancel");
        }

        offered.Add($"concurrency {capabilities.MaxConcurrency}");
        return [$"{handshake.Plugin.Name} {handshake.Plugin.Version}", $"v{handshake.ProtocolVersion}", string.Join(", ", offered)];
    }

    // What the plugin says it sets (docs/protocol.md, "Declaring what a plugin sets"); null for a list it does not declare.
    private static void WriteDeclares(Utf8JsonWriter writer, PluginDeclarations? declares)
    {
        writer.WriteStartObject("declares");
        foreach (var (name, names) in new[] { ("variables", declares?.Variables), ("outputs", declares?.Outputs) })
        {
            if (names is null)
            {
                writer.WriteNull(name);
                continue;
            }

            writer.WriteStartArray(name);
            foreach (var item in names)
            {
                writer.WriteStringValue(item);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    private static string Json(DevFile devFile, PluginLock? lockFile, PluginInventory inventory, bool probe)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("devfile", devFile.Path);
            writer.WriteString("lock_file", lockFile?.Path);
            writer.WriteStartArray("plugins");
            foreach (var plugin in inventory.Plugins)
            {
                writer.WriteStartObject();
                writer.WriteString("ref", plugin.Definition.Ref);
                writer.WriteString("source", plugin.DeclaredSource);
                writer.WriteString("found_by", plugin.FoundBy);
                writer.WriteString("path", plugin.Located?.ExecutablePath);
                writer.WriteString("package_directory", plugin.Located?.Package?.Directory);
                writer.WriteString("protocol_format", plugin.Definition.Protocol == PluginProtocol.Seed ? "seed" : "v1");
                writer.WriteString("sha256", plugin.Sha256);
                writer.WriteString("pinned_sha256", plugin.Definition.Sha256);
                writer.WriteString("locked_sha256", plugin.LockedSha256);
                writer.WriteString("lock_status", plugin.LockStatus switch
                {
                    PluginLockStatus.Matches => "matches",
                    PluginLockStatus.Mismatch => "mismatch",
                    PluginLockStatus.NotLocked => "not-locked",
                    _ => "not-pinned",
                });
                writer.WriteString("problem", plugin.Problem);
                if (probe)
                {
                    writer.WriteStartObject("probe");
                    if (plugin.Handshake is { } handshake)
                    {
                        writer.WriteString("name", handshake.Plugin.Name);
                        writer.WriteString("version", handshake.Plugin.Version);
                        writer.WriteNumber("protocol_version", handshake.ProtocolVersion);
                        writer.WriteStartObject("capabilities");
                        writer.WriteBoolean("warm", handshake.Capabilities.Warm);
                        writer.WriteBoolean("cancel", handshake.Capabilities.Cancel);
                        writer.WriteNumber("max_concurrency", handshake.Capabilities.MaxConcurrency);
                        writer.WriteEndObject();
                        WriteDeclares(writer, handshake.Declares);
                    }
                    else
                    {
                        writer.WriteString("problem", plugin.ProbeProblem);
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteStartArray("warnings");
            foreach (var warning in inventory.Warnings)
            {
                writer.WriteStringValue(warning);
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
