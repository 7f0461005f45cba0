using System.Text.Json;

namespace TalkingBinaries.Hosting.Packages;

/// <summary>A package in the plugin cache: where it is, the commands it offers, and the files that are its content.</summary>
/// <param name="Source">The package.</param>
/// <param name="Directory">Its directory in the cache (a dotnet tool path, or an npm prefix).</param>
/// <param name="Commands">Each command the package offers, by name, with the executable that runs it.</param>
/// <param name="ContentDirectory">The files the package brought, which its integrity hash covers (<see cref="Integrity.PluginHashes.HashTree"/>), but for <see cref="IgnoredContent"/>.</param>
public sealed record InstalledPackage(PackageSource Source, string Directory, IReadOnlyDictionary<string, string> Commands, string ContentDirectory)
{
    /// <summary>Top-level entries of <see cref="ContentDirectory"/> that are the client's bookkeeping, not the package's content.</summary>
    public IReadOnlyCollection<string> IgnoredContent => Source.Ecosystem == PackageEcosystem.Npm ? NpmBookkeeping : [];

    private static readonly string[] NpmBookkeeping = [".bin", ".package-lock.json"];

    /// <summary>The executable for plugin <paramref name="reference"/>: the only command, or the one named <c>ref</c> or <c>tb-ref</c>.</summary>
    /// <exception cref="PackageException">The package has no command, or several and none is named after the plugin.</exception>
    public string ExecutableFor(string reference)
    {
        ArgumentNullException.ThrowIfNull(reference);
        if (Commands.Count == 1)
        {
            return Commands.Values.First();
        }

        if (Commands.TryGetValue(reference, out var named) || Commands.TryGetValue("tb-" + reference, out named))
        {
            return named;
        }

        throw new PackageException(Commands.Count == 0
            ? $"{Source} offers no command (a .NET tool's ToolCommandName, an npm package's 'bin'); it cannot be a plugin"
            : $"{Source} offers {Commands.Count} commands ({string.Join(", ", Commands.Keys.Order(StringComparer.Ordinal))}) and none is named '{reference}' or 'tb-{reference}'; name the plugin's ref after the one to run");
    }

    /// <summary>Reads what the package installed in <paramref name="directory"/> offers; null when it holds no complete install.</summary>
    /// <exception cref="PackageException">The install is damaged (an npm manifest that is not a JSON object).</exception>
    internal static InstalledPackage? Read(PackageSource source, string directory)
    {
        if (!System.IO.Directory.Exists(directory))
        {
            return null;
        }

        return source.Ecosystem == PackageEcosystem.NuGet ? ReadTool(source, directory) : ReadNpm(source, directory);
    }

    private static InstalledPackage? ReadTool(PackageSource source, string directory)
    {
        // dotnet tool install --tool-path puts a launcher per command at the top and the package under .store/<id>/<version>.
        var store = Path.Combine(directory, ".store", source.Name.ToLowerInvariant());
        var tools = System.IO.Directory.Exists(store)
            ? System.IO.Directory.EnumerateDirectories(store, "tools", SearchOption.AllDirectories).FirstOrDefault()
            : null;
        if (tools is null)
        {
            return null;
        }

        var commands = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in System.IO.Directory.EnumerateFiles(directory))
        {
            commands[Path.GetFileName(file)] = file;
        }

        return new InstalledPackage(source, directory, commands, tools);
    }

    private static InstalledPackage? ReadNpm(PackageSource source, string directory)
    {
        var modules = Path.Combine(directory, "node_modules");
        var manifest = Path.Combine(modules, source.Name, "package.json");
        if (!File.Exists(manifest))
        {
            return null;
        }

        var commands = new Dictionary<string, string>(StringComparer.Ordinal);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(File.ReadAllBytes(manifest));
        }
        catch (JsonException exception)
        {
            throw Broken(manifest, directory, $"is not valid JSON ({exception.Message})");
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw Broken(manifest, directory, "is not a JSON object");
            }

            // "bin" is a path (the command is the package's name without its scope) or a map of command names to paths.
            var bin = document.RootElement.TryGetProperty("bin", out var value) ? value : default;
            if (bin.ValueKind == JsonValueKind.String)
            {
                var command = source.Name[(source.Name.LastIndexOf('/') + 1)..];
                commands[command] = Path.Combine(modules, ".bin", command);
            }
            else if (bin.ValueKind == JsonValueKind.Object)
            {
                foreach (var entry in bin.EnumerateObject())
                {
                    commands[entry.Name] = Path.Combine(modules, ".bin", entry.Name);
                }
            }
        }

        return new InstalledPackage(source, directory, commands, modules);
    }

    private static PackageException Broken(string manifest, string directory, string problem) =>
        new($"{manifest} {problem}: the install is damaged; remove {directory} and run 'tb plugins install'");
}
