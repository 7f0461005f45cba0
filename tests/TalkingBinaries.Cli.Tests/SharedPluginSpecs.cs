using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>
/// Plugins people share (issue 11), end to end: a C# plugin packed with <c>dotnet pack</c> into a folder feed and a Node
/// plugin packed with <c>npm pack</c> are installed, pinned, checked and listed by tb, with each ecosystem's own client.
/// </summary>
public sealed class SharedPluginSpecs : IClassFixture<PackageFeeds>, IDisposable
{
    private readonly PackageFeeds _feeds;
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-shared-");

    public SharedPluginSpecs(PackageFeeds feeds)
    {
        _feeds = feeds;
        Directory.CreateDirectory(Project);

        // The project's own NuGet configuration names the feed, as a team's would name its private one.
        File.WriteAllText(Path.Combine(Project, "nuget.config"), $"""
            <?xml version="1.0" encoding="utf-8"?>
            <configuration>
              <packageSources>
                <clear />
                <add key="local" value="{feeds.NuGetFeed}" />
              </packageSources>
            </configuration>
            """);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private string Project => Path.Combine(_directory.FullName, "project");

    private string Cache => Path.Combine(_directory.FullName, "cache");

    private string LockFile => Path.Combine(Project, "DevFile.lock");

    private static string NuGetSource(string version = "1.2.3") => $"nuget:{PackageFeeds.NuGetId}@{version}";

    private string NpmSource => $"npm:{_feeds.NpmName}@{_feeds.NpmVersion}";

    public static TheoryData<string> Ecosystems => new() { "nuget", "npm" };

    [Theory]
    [MemberData(nameof(Ecosystems))]
    public async Task A_shared_plugin_is_installed_locked_run_listed_and_refused_once_its_files_change(string ecosystem)
    {
        var source = ecosystem == "nuget" ? NuGetSource() : NpmSource;
        WriteDevFile(source);

        using (var install = await TbAsync("plugins", "install"))
        {
            Assert.True(install.ExitCode == 0, install.Stderr);
            Assert.Contains($"tb: installing {source} for plugin 'shared'", install.Stderr, StringComparison.Ordinal);
            Assert.Contains($"tb: installed {source} in ", install.Stderr, StringComparison.Ordinal);
        }

        if (ecosystem == "npm")
        {
            Assert.True(_feeds.Npm.Requests > 0, "npm never asked the test's registry");
        }

        using (var again = await TbAsync("plugins", "install"))
        {
            Assert.Equal(0, again.ExitCode);
            Assert.DoesNotContain("installing", again.Stderr, StringComparison.Ordinal);
        }

        using (var pin = await TbAsync("lock"))
        {
            Assert.True(pin.ExitCode == 0, pin.Stderr);
        }

        using var lockDocument = JsonDocument.Parse(File.ReadAllText(LockFile));
        var entry = lockDocument.RootElement.GetProperty("plugins")[0];
        Assert.Equal("shared", entry.GetProperty("ref").GetString());
        Assert.Equal(source, entry.GetProperty("source").GetString());
        Assert.Equal("package", entry.GetProperty("found_by").GetString());
        Assert.Equal(source[(source.LastIndexOf('@') + 1)..], entry.GetProperty("version").GetString());
        var pinned = entry.GetProperty("sha256").GetString()!;
        Assert.Matches("^[0-9a-f]{64}$", pinned);
        Assert.Contains("\n      \"sha256\": ", File.ReadAllText(LockFile), StringComparison.Ordinal);

        using (var run = await TbAsync("run", "--frozen"))
        {
            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
            Assert.Contains("[greet] ", run.Stdout, StringComparison.Ordinal);
            Assert.Contains("run succeeded", run.Stdout, StringComparison.Ordinal);
        }

        using (var list = await TbAsync("plugins", "--json", "--probe"))
        {
            Assert.True(list.ExitCode == 0, list.Stderr);
            using var listing = JsonDocument.Parse(list.Stdout);
            var plugin = listing.RootElement.GetProperty("plugins")[0];
            Assert.Equal("package", plugin.GetProperty("found_by").GetString());
            Assert.StartsWith(Cache, plugin.GetProperty("path").GetString(), StringComparison.Ordinal);
            Assert.Equal(pinned, plugin.GetProperty("sha256").GetString());
            Assert.Equal("matches", plugin.GetProperty("lock_status").GetString());
            Assert.Equal(1, plugin.GetProperty("probe").GetProperty("protocol_version").GetInt32());
            Assert.False(string.IsNullOrEmpty(plugin.GetProperty("probe").GetProperty("version").GetString()));
        }

        // Swap the plugin's code for something else: tb must refuse it before starting anything.
        var code = PluginCode(ecosystem);
        File.AppendAllText(code, ecosystem == "nuget" ? "tampered" : "\nprocess.exit(0)\n");
        using (var refused = await TbAsync("run"))
        {
            Assert.Equal(2, refused.ExitCode);
            var error = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
            Assert.StartsWith($"tb: error: {Path.Combine(Project, "DevFile")}:2:5: plugin 'shared' (package {source} in ", error, StringComparison.Ordinal);
            Assert.Contains($"does not match {LockFile}: expected sha256 {pinned}, found ", error, StringComparison.Ordinal);
            Assert.Contains("'tb lock'", error, StringComparison.Ordinal);
            Assert.DoesNotContain("started", refused.Stdout, StringComparison.Ordinal);
        }

        using (var list = await TbAsync("plugins"))
        {
            Assert.Equal(1, list.ExitCode);
            Assert.Contains("MISMATCH", list.Stdout, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Tb_run_installs_a_missing_package_on_first_need_with_a_progress_line()
    {
        WriteDevFile(NuGetSource());

        using var run = await TbAsync("run");

        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        Assert.Contains($"tb: installing {NuGetSource()} for plugin 'shared' into {Path.Combine(Cache, "tb", "plugins", "nuget")}", run.Stderr, StringComparison.Ordinal);
        Assert.Contains("[greet] hello, shared world", run.Stdout, StringComparison.Ordinal);
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Cache, "tb", "plugins", ".staging")));
    }

    [Fact]
    public async Task A_version_that_is_not_in_the_feed_fails_with_the_plugins_line_and_the_clients_words_and_leaves_no_install()
    {
        WriteDevFile(NuGetSource("9.9.9"));

        using var run = await TbAsync("run");

        Assert.Equal(2, run.ExitCode);
        var error = run.Stderr.Split('\n').Single(line => line.StartsWith("tb: error:", StringComparison.Ordinal));
        Assert.StartsWith($"tb: error: {Path.Combine(Project, "DevFile")}:2:5: plugin 'shared': cannot install {NuGetSource("9.9.9")}: 'dotnet tool install' exited with code 1: ", error, StringComparison.Ordinal);
        Assert.Contains("9.9.9", error[error.IndexOf("exited", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(Cache, "tb", "plugins", "nuget", PackageFeeds.NuGetId.ToLowerInvariant(), "9.9.9")));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Cache, "tb", "plugins", ".staging")));
    }

    [Fact]
    public async Task A_new_version_in_the_DevFile_is_refused_until_it_is_locked_again()
    {
        WriteDevFile(NuGetSource("1.2.3"));
        using (var pin = await TbAsync("lock"))
        {
            Assert.True(pin.ExitCode == 0, pin.Stderr);
        }

        WriteDevFile(NuGetSource("1.3.0"));
        using (var stale = await TbAsync("run"))
        {
            Assert.Equal(2, stale.ExitCode);
            Assert.Contains($"pins plugin 'shared' to {NuGetSource("1.2.3")}, but the DevFile says {NuGetSource("1.3.0")}; run 'tb lock'", stale.Stderr, StringComparison.Ordinal);
        }

        using (var pin = await TbAsync("lock"))
        {
            Assert.Contains("shared: " + NuGetSource("1.3.0"), pin.Stdout, StringComparison.Ordinal);
            Assert.Contains(" updated", pin.Stdout, StringComparison.Ordinal);
        }

        using var run = await TbAsync("run", "--frozen");
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
    }

    [Fact]
    public async Task Two_installs_of_one_package_at_once_both_succeed_and_leave_one_install()
    {
        WriteDevFile(NuGetSource());

        using var first = StartTb("plugins", "install");
        using var second = StartTb("plugins", "install");

        Assert.True(await first.WaitAsync(Deadline.After(120)) == 0, first.Stderr);
        Assert.True(await second.WaitAsync(Deadline.After(120)) == 0, second.Stderr);
        var versions = Path.Combine(Cache, "tb", "plugins", "nuget", PackageFeeds.NuGetId.ToLowerInvariant());
        Assert.Equal(["1.2.3"], Directory.EnumerateFileSystemEntries(versions).Select(Path.GetFileName));
        Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Cache, "tb", "plugins", ".staging")));
        using var run = await TbAsync("run");
        Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
    }

    [Fact]
    public async Task Ctrl_C_during_an_install_stops_the_client_and_leaves_no_install_and_no_process_behind()
    {
        WriteDevFile(NpmSource);
        _feeds.Npm.Stalled = true;
        try
        {
            using var tb = StartTb("run");
            await tb.WaitForErrorAsync($"tb: installing {NpmSource}", Deadline.After(30));
            var asked = _feeds.Npm.Requests;
            while (_feeds.Npm.Requests == asked)
            {
                await Task.Delay(20, Deadline.After(30));
            }

            tb.Signal("INT");

            Assert.Equal(130, await tb.WaitAsync(Deadline.After(30)));
            Assert.Contains($"tb: error: installing {NpmSource} was interrupted; nothing was left in the cache", tb.Stderr, StringComparison.Ordinal);
            Assert.False(Directory.Exists(Path.Combine(Cache, "tb", "plugins", "npm", _feeds.NpmName)));
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(Cache, "tb", "plugins", ".staging")));
        }
        finally
        {
            _feeds.Npm.Stalled = false;
        }
    }

    private void WriteDevFile(string source) =>
        File.WriteAllText(Path.Combine(Project, "DevFile"), $"""
            plugins:
              - ref: shared
                source: {source}
            steps:
              - name: greet
                plugin: shared
                config:
                  who: shared world
                  text: shared world
            """);

    /// <summary>A file of the installed plugin's own code: the C# plugin's assembly, or the Node plugin's script.</summary>
    private string PluginCode(string ecosystem)
    {
        var root = Path.Combine(Cache, "tb", "plugins", ecosystem);
        return ecosystem == "nuget"
            ? Directory.EnumerateFiles(root, "tb-greet.dll", SearchOption.AllDirectories).Single()
            : Directory.EnumerateFiles(Path.Combine(root), "*.js", SearchOption.AllDirectories).First(file => !file.Contains("/.bin/", StringComparison.Ordinal));
    }

    private Tb StartTb(params string[] arguments)
    {
        var environment = new Dictionary<string, string>
        {
            ["XDG_CACHE_HOME"] = Cache,
            ["NUGET_PACKAGES"] = Path.Combine(_directory.FullName, "nuget-packages"),
            ["npm_config_registry"] = _feeds.Npm.Url,
            ["npm_config_cache"] = Path.Combine(_directory.FullName, "npm-cache"),
        };
        return Tb.StartExecutable(Project, TestExecutables.Tb, environment, arguments);
    }

    private async Task<Tb> TbAsync(params string[] arguments)
    {
        var tb = StartTb(arguments);
        await tb.WaitAsync(Deadline.After(120));
        return tb;
    }
}
