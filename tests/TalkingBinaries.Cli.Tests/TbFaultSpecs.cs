using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>Issue 10, "Nothing hangs, crashes or is left behind": faults and large loads end with a clear line and a normal exit code.</summary>
public sealed class TbFaultSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-fault-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Eight_shell_steps_printing_12_MB_each_end_with_a_summary()
    {
        var steps = string.Concat(Enumerable.Range(1, 8).Select(i =>
            $"  - name: big{i}\n    plugin: shell\n    config:\n      commands: [\"yes 0123456789abcdefghijklmnopqrstuvwxyz | head -c 12000000\"]\n"));
        WriteDevFile($"plugins:\n  - ref: shell\n    path: {TestExecutables.Shell}\nsteps:\n{steps}");
        var reportPath = Path.Combine(_directory.FullName, "report.json");

        using var tb = Tb.Start(_directory.FullName, "run", "--report", reportPath);
        var exit = await tb.WaitAsync(Deadline.After(120));

        Assert.True(exit == 0, tb.Stderr);
        Assert.Contains("run succeeded: 8 succeeded", tb.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(reportPath));

        // The shell plugin keeps 1 MiB of each command's stdout as its output (docs/devfile.md, "shell").
        Assert.All(report.RootElement.GetProperty("steps").EnumerateArray(), step => Assert.InRange(step.GetProperty("outputs").GetProperty("stdout").GetString()!.Length, 1_000_000, 1024 * 1024));
    }

    [Fact]
    public async Task Outputs_past_what_a_run_keeps_are_dropped_with_a_warning_and_a_note_and_the_run_succeeds()
    {
        // Five steps of 15 MB outputs each: more than the 64 MiB a run keeps.
        var steps = string.Concat(Enumerable.Range(1, 5).Select(i =>
            $"  - name: big{i}\n    plugin: test\n    config:\n      mode: big-output\n      lines: 15000\n"));
        WriteDevFile($"plugins:\n  - ref: test\n    path: {TestExecutables.TestPlugin}\nsteps:\n{steps}");
        var reportPath = Path.Combine(_directory.FullName, "report.json");

        using var tb = Tb.Start(_directory.FullName, "run", "--report", reportPath);
        var exit = await tb.WaitAsync(Deadline.After(120));

        Assert.True(exit == 0, tb.Stderr);
        Assert.Contains("run succeeded: 5 succeeded", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("were dropped: a run keeps at most 67108864 bytes of step outputs", tb.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(reportPath));
        var notes = report.RootElement.GetProperty("steps").EnumerateArray().Select(step => step.GetProperty("note").GetString()).ToList();
        Assert.Contains(notes, note => note is null);
        Assert.Contains(notes, note => note?.Contains("were dropped", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task A_seed_plugin_printing_100_MB_ends_with_its_exit_code_and_a_summary()
    {
        var plugin = WriteScript("flood.sh", "cat > /dev/null\nyes 'not a seed response' | head -c 100000000\n");
        WriteDevFile($"plugins:\n  - ref: flood\n    path: {plugin}\n    protocol: seed\nsteps:\n  - name: flood\n    plugin: flood\n");

        using var tb = Tb.Start(_directory.FullName, "run");
        var exit = await tb.WaitAsync(Deadline.After(120));

        Assert.True(exit == 0, tb.Stderr);
        Assert.Contains("over the limit of 16777216 bytes", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[flood] stdout: not a seed response", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("run succeeded: 1 succeeded", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_full_stdout_is_said_once_on_stderr_and_the_run_exits_with_its_own_code()
    {
        WriteEchoDevFile();

        using var tb = Tb.StartExecutable(_directory.FullName, "/bin/sh", null, "-c", $"exec '{TestExecutables.Tb}' run > /dev/full");
        var exit = await tb.WaitAsync(Deadline.After());

        Assert.True(exit == 0, tb.Stderr);
        var line = Assert.Single(tb.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("tb: error: cannot write to standard output (", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SIGHUP_stops_the_plugins_gracefully_writes_the_report_and_exits_129()
    {
        var deadline = Deadline.After();
        WriteDevFile($"plugins:\n  - ref: test\n    path: {TestExecutables.TestPlugin}\nsteps:\n  - name: hang\n    plugin: test\n    config:\n      mode: hang\n");
        var reportPath = Path.Combine(_directory.FullName, "report.json");
        using var tb = Tb.Start(_directory.FullName, "run", "--grace", "2s", "--report", reportPath);
        await tb.WaitForOutputAsync("[hang] hanging", deadline);

        tb.Signal("HUP");
        var exit = await tb.WaitAsync(deadline);

        Assert.Equal(129, exit);
        Assert.Contains("tb: hung up: stopping plugins gracefully", tb.Stderr, StringComparison.Ordinal);
        Assert.Contains("run interrupted: 0 succeeded, 0 failed, 0 skipped, 1 cancelled", tb.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(reportPath));
        Assert.Equal("cancelled", report.RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public async Task A_dangling_symlink_as_a_plugin_path_is_one_error_line_with_exit_2()
    {
        var link = Path.Combine(_directory.FullName, "plugin");
        File.CreateSymbolicLink(link, Path.Combine(_directory.FullName, "gone"));
        WriteDevFile($"plugins:\n  - ref: gone\n    path: {link}\nsteps:\n  - name: first\n    plugin: gone\n");

        using var tb = await Tb.RunAsync(_directory.FullName, "run");

        Assert.Equal(2, tb.ExitCode);
        var line = Assert.Single(tb.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("tb: error: ", line, StringComparison.Ordinal);
        Assert.Contains($"{link} (dangling symlink)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Control_characters_in_plugin_output_are_shown_escaped_and_tab_passes()
    {
        var plugin = WriteScript("noisy.sh", "cat > /dev/null\nprintf '\\033[2Jcleared\\rover\\tand tab\\n' >&2\nprintf '{}'\n");
        WriteDevFile($"plugins:\n  - ref: noisy\n    path: {plugin}\n    protocol: seed\nsteps:\n  - name: noisy\n    plugin: noisy\n");

        using var tb = await Tb.RunAsync(_directory.FullName, "run");

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains("[noisy] \\e[2Jcleared\\rover\tand tab\n", tb.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain('\u001b', tb.Stdout);
        Assert.DoesNotContain('\r', tb.Stdout);
    }

    [Fact]
    public async Task A_seed_plugins_empty_errors_are_neither_shown_nor_reported()
    {
        var plugin = WriteScript("seed.sh", "cat > /dev/null\nprintf '{\"UserOutput\":{\"0\":\"%s\"},\"Errors\":{\"0\":\"\",\"1\":\"%s\"},\"PluginLogs\":\"\"}' \"$(printf hi | base64 -w0)\" \"$(printf real | base64 -w0)\"\n");
        WriteDevFile($"plugins:\n  - ref: seed\n    path: {plugin}\n    protocol: seed\nsteps:\n  - name: seed\n    plugin: seed\n");
        var reportPath = Path.Combine(_directory.FullName, "report.json");

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--report", reportPath);

        Assert.True(tb.ExitCode == 0, tb.Stdout + tb.Stderr);
        Assert.Contains("[seed] warning: real\n", tb.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[seed] warning: \n", tb.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(reportPath));
        var errors = report.RootElement.GetProperty("steps")[0].GetProperty("outputs").GetProperty("errors").EnumerateArray().Select(error => error.GetString());
        Assert.Equal(["real"], errors);
    }

    [Fact]
    public async Task An_unwritable_report_path_is_found_before_anything_runs()
    {
        WriteEchoDevFile();
        var reportPath = Path.Combine(_directory.FullName, "no-such-directory", "report.json");

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--report", reportPath);

        Assert.Equal(2, tb.ExitCode);
        Assert.Equal(string.Empty, tb.Stdout);
        var line = Assert.Single(tb.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"tb: error: cannot write the report to {reportPath}: ", line, StringComparison.Ordinal);
    }

    private void WriteEchoDevFile() =>
        WriteDevFile($"plugins:\n  - ref: echo\n    path: {TestExecutables.Echo}\nsteps:\n  - name: hi\n    plugin: echo\n    config:\n      say: hello\n");

    [Fact]
    public async Task Output_to_a_file_shared_with_other_commands_goes_where_the_file_stands()
    {
        // { echo before; tb run; echo after; } > log: tb must write where the shared descriptor stands, and move it on.
        WriteDevFile($"plugins:\n  - ref: echo\n    path: {TestExecutables.Echo}\nsteps:\n  - name: hi\n    plugin: echo\n    config: {{ say: hello }}\n");
        var log = Path.Combine(_directory.FullName, "log");
        var script = WriteScript("shared.sh", $"{{ echo before; '{TestExecutables.Tb}' run --no-color; echo after; }} > '{log}' 2>&1\n");

        using var shell = Tb.StartExecutable(_directory.FullName, script, null);
        Assert.Equal(0, await shell.WaitAsync(Deadline.After(60)));

        var lines = (await File.ReadAllTextAsync(log)).Split('\n');
        Assert.Equal("before", lines[0]);
        Assert.StartsWith("tb: running ", lines[1], StringComparison.Ordinal);
        Assert.Contains("[hi] hello", lines, StringComparer.Ordinal);
        Assert.Equal(["after", string.Empty], lines[^2..]);
    }

    private void WriteDevFile(string text) => File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), text);

    private string WriteScript(string name, string body)
    {
        var path = Path.Combine(_directory.FullName, name);
        File.WriteAllText(path, "#!/bin/sh\n" + body);
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }
}
