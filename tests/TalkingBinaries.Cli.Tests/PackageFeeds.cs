using System.Diagnostics;
using System.Text.Json.Nodes;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>
/// The package feeds the sharing specs install from, made once per test run: a NuGet folder feed holding the C# plugin
/// in tests/ToolPlugin packed with <c>dotnet pack</c>, and an npm registry serving the Node example plugin packed with
/// <c>npm pack</c>. Nothing comes from the network.
/// </summary>
public sealed class PackageFeeds : IAsyncLifetime
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-feeds-");

    public const string NuGetId = "TalkingBinaries.Tests.Greet";

    public static readonly string[] NuGetVersions = ["1.2.3", "1.3.0"];

    /// <summary>The NuGet folder feed.</summary>
    public string NuGetFeed => Path.Combine(_directory.FullName, "nuget");

    internal NpmRegistry Npm { get; } = new();

    /// <summary>The Node example's package name and version, as its package.json says.</summary>
    public string NpmName { get; private set; } = string.Empty;

    public string NpmVersion { get; private set; } = string.Empty;

    public async Task InitializeAsync()
    {
        // --no-build: the test build has built it; packing only gathers it (a build here would race the other test projects).
        var project = Path.Combine(TestExecutables.RepositoryRoot, "tests", "ToolPlugin", "ToolPlugin.csproj");
        foreach (var version in NuGetVersions)
        {
            await RunAsync("dotnet", _directory.FullName, "pack", project, "--no-build", "-c", Configuration, $"-p:Version={version}", "-o", NuGetFeed, "--nologo", "-v", "q");
        }

        var node = Path.Combine(TestExecutables.RepositoryRoot, "examples", "plugins", "node");
        var tarballs = Path.Combine(_directory.FullName, "npm");
        Directory.CreateDirectory(tarballs);
        var packed = (await RunAsync("npm", _directory.FullName, "pack", node, "--pack-destination", tarballs, "--silent")).Trim().Split('\n')[^1];
        var manifest = JsonNode.Parse(File.ReadAllText(Path.Combine(node, "package.json")))!.AsObject();
        NpmName = manifest["name"]!.GetValue<string>();
        NpmVersion = manifest["version"]!.GetValue<string>();
        Npm.Publish(manifest, Path.Combine(tarballs, packed));
    }

    public Task DisposeAsync()
    {
        Npm.Dispose();
        _directory.Delete(recursive: true);
        return Task.CompletedTask;
    }

#if DEBUG
    private const string Configuration = "Debug";
#else
    private const string Configuration = "Release";
#endif

    private static async Task<string> RunAsync(string executable, string directory, params string[] arguments)
    {
        var start = new ProcessStartInfo(executable) { WorkingDirectory = directory, RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["npm_config_cache"] = Path.Combine(directory, "npm-cache");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync(Deadline.After(120));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return process.ExitCode == 0
            ? await output
            : throw new InvalidOperationException($"{executable} {string.Join(' ', arguments)} exited with {process.ExitCode}: {await output}{await error}");
    }
}
