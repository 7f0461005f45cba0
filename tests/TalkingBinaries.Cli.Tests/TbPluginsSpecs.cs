using System.Security.Cryptography;
using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary><c>tb plugins</c>, <c>tb lock</c>, <c>sha256:</c> and <c>tb run --frozen</c> with plugins that are files, not packages.</summary>
public sealed class TbPluginsSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-plugins-");

    public TbPluginsSpecs()
    {
        Directory.CreateDirectory(Project);
        Directory.CreateDirectory(FirstOnPath);
        Directory.CreateDirectory(SecondOnPath);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private string Project => Path.Combine(_directory.FullName, "project");

    private string FirstOnPath => Path.Combine(_directory.FullName, "bin1");

    private string SecondOnPath => Path.Combine(_directory.FullName, "bin2");

    private string DevFilePath => Path.Combine(Project, "DevFile");

    [Fact]
    public async Task A_sha256_key_is_checked_without_a_lock_file_and_a_wrong_one_stops_the_run_before_any_step()
    {
        var plugin = CopyPlugin(Path.Combine(Project, "tb-test-plugin"));
        var hash = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(plugin)));
        WriteDevFile($"""
            plugins:
              - ref: test
                path: tb-test-plugin
                sha256: {hash.ToUpperInvariant()}
            steps:
              - name: ok
                plugin: test
                config: {"{"} mode: ok {"}"}
            """);

        using (var run = await TbAsync("run"))
        {
            Assert.True(run.ExitCode == 0, run.Stdout + run.Stderr);
        }

        File.AppendAllText(plugin, "x");
        using var refused = await TbAsync("run");

        Assert.Equal(2, refused.ExitCode);
        var error = Assert.Single(refused.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal($"tb: error: {DevFilePath}:2:5: plugin 'test' ({plugin}) does not match its 'sha256:' in the DevFile: expected sha256 {hash}, found {Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(plugin)))}. "
            + "It was changed or replaced: if you trust it, put its hash in 'sha256:'; otherwise restore the file you expected", error);
        Assert.DoesNotContain("[ok] started", refused.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Frozen_refuses_a_missing_lock_file_and_one_that_does_not_pin_every_plugin_while_a_plain_run_only_warns()
    {
        CopyPlugin(Path.Combine(Project, "tb-test-plugin"));
        WriteDevFile(TwoPlugins(second: false));

        using (var missing = await TbAsync("run", "--frozen"))
        {
            Assert.Equal(2, missing.ExitCode);
            Assert.Equal($"tb: error: {DevFilePath}:1:1: --frozen needs the lock file {DevFilePath}.lock, and there is none; run 'tb lock' and commit it\n", missing.Stderr);
        }

        using (var pin = await TbAsync("lock"))
        {
            Assert.True(pin.ExitCode == 0, pin.Stderr);
            Assert.Contains("  one: path:tb-test-plugin sha256 ", pin.Stdout, StringComparison.Ordinal);
            Assert.Contains($"{DevFilePath}.lock: 1 plugin pinned", pin.Stdout, StringComparison.Ordinal);
        }

        using var lockDocument = JsonDocument.Parse(File.ReadAllText(DevFilePath + ".lock"));
        Assert.Equal("tb-test-plugin", lockDocument.RootElement.GetProperty("plugins")[0].GetProperty("executable").GetString());

        WriteDevFile(TwoPlugins(second: true));
        using (var frozen = await TbAsync("run", "--frozen"))
        {
            Assert.Equal(2, frozen.ExitCode);
            Assert.Contains($"tb: error: {DevFilePath}:4:5: {DevFilePath}.lock does not pin plugin 'two'; --frozen runs only what the lock file pins: run 'tb lock' and commit it", frozen.Stderr, StringComparison.Ordinal);
        }

        using var plain = await TbAsync("run");
        Assert.True(plain.ExitCode == 0, plain.Stdout + plain.Stderr);
        Assert.Contains($"tb: warning: {DevFilePath}:4:5: {DevFilePath}.lock does not pin plugin 'two'; run 'tb lock' to pin it", plain.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Tb_plugins_lists_how_each_plugin_was_found_and_warns_about_shadowed_non_executable_and_undeclared_plugins_on_PATH()
    {
        CopyPlugin(Path.Combine(FirstOnPath, "tb-lint"));
        CopyPlugin(Path.Combine(SecondOnPath, "tb-lint"));
        File.WriteAllText(Path.Combine(FirstOnPath, "tb-format"), "#!/bin/sh\n");
        CopyPlugin(Path.Combine(SecondOnPath, "tb-format"));
        CopyPlugin(Path.Combine(SecondOnPath, "tb-extra"));
        WriteDevFile("""
            plugins:
              - ref: lint
              - ref: format
              - ref: gone
                path: no-such-plugin
            steps:
              - name: a
                plugin: lint
            """);

        using var list = await TbAsync("plugins");

        Assert.Equal(1, list.ExitCode);
        var rows = list.Stdout.Split('\n');
        Assert.Matches(@"^lint +path-convention +" + Regex(Path.Combine(FirstOnPath, "tb-lint")) + " +[0-9a-f]{12} +not pinned$", rows.Single(row => row.StartsWith("lint ", StringComparison.Ordinal)));
        Assert.Matches(@"^format +path-convention +" + Regex(Path.Combine(SecondOnPath, "tb-format")), rows.Single(row => row.StartsWith("format ", StringComparison.Ordinal)));
        Assert.Matches(@"^gone +- +\(not found\)", rows.Single(row => row.StartsWith("gone ", StringComparison.Ordinal)));
        Assert.Contains($"tb: warning: plugin 'lint': {Path.Combine(FirstOnPath, "tb-lint")} shadows {Path.Combine(SecondOnPath, "tb-lint")} (same name, later on PATH); the first one runs", list.Stderr, StringComparison.Ordinal);
        Assert.Contains($"tb: warning: plugin 'format': {Path.Combine(FirstOnPath, "tb-format")} is named like it but is not executable (chmod +x it, or remove it)", list.Stderr, StringComparison.Ordinal);
        Assert.Contains($"tb: warning: {Path.Combine(SecondOnPath, "tb-extra")} is on PATH but not declared in {DevFilePath}; add '- ref: extra' under 'plugins:' to use it", list.Stderr, StringComparison.Ordinal);
        Assert.Contains($"tb: error: {DevFilePath}:4:5: plugin 'gone' not found: {Path.Combine(Project, "no-such-plugin")} (no such file)", list.Stderr, StringComparison.Ordinal);

        using var json = await TbAsync("plugins", "--json");
        using var document = JsonDocument.Parse(json.Stdout);
        Assert.Equal(3, document.RootElement.GetProperty("warnings").GetArrayLength());
        var lint = document.RootElement.GetProperty("plugins")[0];
        Assert.Equal("ref:lint", lint.GetProperty("source").GetString());
        Assert.Equal("path-convention", lint.GetProperty("found_by").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(FirstOnPath, "tb-lint")))), lint.GetProperty("sha256").GetString());
    }

    [Fact]
    public async Task Tb_plugins_probe_shows_each_plugins_version_protocol_and_capabilities_from_its_handshake_and_leaves_no_process()
    {
        CopyPlugin(Path.Combine(Project, "tb-test-plugin"));
        WriteDevFile("""
            plugins:
              - ref: echo
                path: ECHO
              - ref: test
                path: tb-test-plugin
            steps:
              - name: a
                plugin: echo
            """.Replace("ECHO", TestExecutables.Echo, StringComparison.Ordinal));

        using var list = await TbAsync("plugins", "--probe");

        Assert.True(list.ExitCode == 0, list.Stdout + list.Stderr);
        Assert.Matches(@"\necho +path +\S+ +[0-9a-f]{12} +not pinned +echo 1\.0\.0 +v1 +warm, cancel, concurrency 64\n", list.Stdout);
        Assert.Matches(@"\ntest +path +\S+ +[0-9a-f]{12} +not pinned +\S+ \S+ +v1 +", list.Stdout);
    }

    [Fact]
    public async Task Tb_plugins_probe_json_shows_what_each_plugin_declares_and_null_for_what_it_does_not()
    {
        CopyPlugin(Path.Combine(Project, "tb-test-plugin"));
        WriteDevFile("""
            plugins:
              - ref: echo
                path: ECHO
              - ref: test
                path: tb-test-plugin
            steps:
              - name: a
                plugin: echo
            """.Replace("ECHO", TestExecutables.Echo, StringComparison.Ordinal));

        using var list = await TbAsync("plugins", "--probe", "--json");

        Assert.True(list.ExitCode == 0, list.Stdout + list.Stderr);
        using var document = JsonDocument.Parse(list.Stdout);
        var plugins = document.RootElement.GetProperty("plugins");
        var echo = plugins[0].GetProperty("probe").GetProperty("declares");
        var test = plugins[1].GetProperty("probe").GetProperty("declares");
        Assert.Equal(0, echo.GetProperty("variables").GetArrayLength());
        Assert.Equal("said", Assert.Single(echo.GetProperty("outputs").EnumerateArray()).GetString());
        Assert.Equal(JsonValueKind.Null, test.GetProperty("variables").ValueKind);
        Assert.Equal(JsonValueKind.Null, test.GetProperty("outputs").ValueKind);
    }

    [Fact]
    public async Task A_bundled_plugin_that_shadows_one_on_PATH_is_named_in_a_warning_not_called_undeclared()
    {
        CopyPlugin(Path.Combine(SecondOnPath, "tb-echo"));
        WriteDevFile("""
            plugins:
              - ref: echo
            steps:
              - name: a
                plugin: echo
            """);

        var tb = Tb.StartExecutable(Project, Path.Combine(TestExecutables.RepositoryRoot, "dist", "tb"), Environment(), "plugins");
        using (tb)
        {
            Assert.Equal(0, await tb.WaitAsync(Deadline.After(60)));
        }

        Assert.Matches(@"\necho +bundled +" + Regex(Path.Combine(TestExecutables.RepositoryRoot, "dist", "plugin-echo")), tb.Stdout);
        Assert.Equal(
            $"tb: warning: plugin 'echo': the bundled {Path.Combine(TestExecutables.RepositoryRoot, "dist", "plugin-echo")} shadows {Path.Combine(SecondOnPath, "tb-echo")} on PATH; the bundled one runs (give the entry 'name: tb-echo' to run the other)\n",
            tb.Stderr);
    }

    private static string Regex(string text) => System.Text.RegularExpressions.Regex.Escape(text);

    private static string TwoPlugins(bool second) => $"""
        plugins:
          - ref: one
            path: tb-test-plugin
        {(second ? "  - ref: two\n    path: tb-test-plugin\n" : string.Empty)}steps:
          - name: ok
            plugin: one
            config: {"{"} mode: ok {"}"}
        """;

    /// <summary>A plugin of its own at <paramref name="destination"/>: a script that runs the test plugin, so each has its own bytes.</summary>
    private static string CopyPlugin(string destination)
    {
        File.WriteAllText(destination, $"#!/bin/sh\n# {destination}\nexec {TestExecutables.TestPlugin} \"$@\"\n");
        File.SetUnixFileMode(destination, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return destination;
    }

    private void WriteDevFile(string text) => File.WriteAllText(DevFilePath, text);

    private Dictionary<string, string> Environment() => new()
    {
        ["XDG_CACHE_HOME"] = Path.Combine(_directory.FullName, "cache"),
        ["PATH"] = $"{FirstOnPath}:{SecondOnPath}:/usr/bin:/bin",
    };

    private async Task<Tb> TbAsync(params string[] arguments)
    {
        var tb = Tb.StartExecutable(Project, TestExecutables.Tb, Environment(), arguments);
        await tb.WaitAsync(Deadline.After(60));
        return tb;
    }
}
