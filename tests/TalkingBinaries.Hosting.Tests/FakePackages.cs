using TalkingBinaries.Hosting.Packages;

namespace TalkingBinaries.Hosting.Tests;

/// <summary>Builds, by hand, the directory shapes the package clients leave in the cache, so no test needs the network or a client.</summary>
internal static class FakePackages
{
    public const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    /// <summary>What <c>dotnet tool install --tool-path DIR Id --version V</c> leaves: a launcher per command, the package under .store.</summary>
    /// <returns>The package's tools directory.</returns>
    public static string InstallTool(PackageCache cache, PackageSource source, params string[] commands)
    {
        var directory = cache.DirectoryFor(source);
        var (id, version) = (source.Name.ToLowerInvariant(), source.Version.ToLowerInvariant());
        var package = Path.Combine(directory, ".store", id, version, id, version);
        var tools = Path.Combine(package, "tools", "net10.0", "any");
        Directory.CreateDirectory(tools);
        File.WriteAllText(Path.Combine(package, $"{id}.{version}.nupkg"), "zip");
        File.WriteAllText(Path.Combine(package, $"{id}.nuspec"), "<package/>");
        File.WriteAllText(Path.Combine(directory, ".store", id, version, "project.assets.json"), "{}");
        File.WriteAllText(Path.Combine(tools, "DotnetToolSettings.xml"), "<DotNetCliTool/>");
        File.WriteAllText(Path.Combine(tools, source.Name + ".dll"), "MZ");
        foreach (var command in commands)
        {
            var launcher = Path.Combine(directory, command);
            File.WriteAllText(launcher, "#!/bin/sh\nexit 0\n");
            File.SetUnixFileMode(launcher, Executable);
        }

        return Path.Combine(package, "tools");
    }

    /// <summary>What <c>npm install --prefix DIR name@V</c> leaves: node_modules with the package, its <c>bin</c> links in .bin.</summary>
    /// <param name="cache">The cache.</param>
    /// <param name="source">The package.</param>
    /// <param name="bin">The manifest's "bin" as JSON (a string, an object, or null for none).</param>
    /// <returns>The prefix's node_modules.</returns>
    public static string InstallNpm(PackageCache cache, PackageSource source, string? bin)
    {
        var directory = cache.DirectoryFor(source);
        var modules = Path.Combine(directory, "node_modules");
        var package = Path.Combine(modules, source.Name);
        Directory.CreateDirectory(package);
        Directory.CreateDirectory(Path.Combine(modules, ".bin"));
        File.WriteAllText(Path.Combine(directory, "package.json"), $$$"""{"dependencies":{"{{{source.Name}}}":"{{{source.Version}}}"}}""");
        File.WriteAllText(Path.Combine(directory, "package-lock.json"), "{}");
        File.WriteAllText(Path.Combine(modules, ".package-lock.json"), "{}");
        var binField = bin is null ? string.Empty : ",\"bin\":" + bin;
        File.WriteAllText(Path.Combine(package, "package.json"), $$"""{"name":"{{source.Name}}","version":"{{source.Version}}"{{binField}} }""");
        var script = Path.Combine(package, "cli.js");
        File.WriteAllText(script, "#!/usr/bin/env node\n");
        File.SetUnixFileMode(script, Executable);

        // npm links each command in .bin to the script the manifest names (here, all to cli.js).
        var commands = bin is null ? [] : bin.StartsWith('"') ? [source.Name[(source.Name.LastIndexOf('/') + 1)..]]
            : System.Text.Json.JsonDocument.Parse(bin).RootElement.EnumerateObject().Select(entry => entry.Name).ToArray();
        foreach (var command in commands)
        {
            File.CreateSymbolicLink(Path.Combine(modules, ".bin", command), Path.Combine("..", source.Name, "cli.js"));
        }

        // A dependency, which the package's hash covers too.
        var dependency = Path.Combine(modules, "left-pad");
        Directory.CreateDirectory(dependency);
        File.WriteAllText(Path.Combine(dependency, "index.js"), "module.exports = 1;\n");
        return modules;
    }
}
