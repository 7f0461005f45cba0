using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

public sealed class TbCommandSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-cli-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Version_prints_the_version()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "--version");

        Assert.Equal(0, tb.ExitCode);
        Assert.Equal("0.1.0\n", tb.Stdout);
    }

    [Fact]
    public async Task Help_lists_the_commands()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "--help");

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains("run", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("validate", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_option_is_a_usage_error_with_exit_code_2()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--frobnicate");

        Assert.Equal(2, tb.ExitCode);
        Assert.Contains("--frobnicate", tb.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_misspelt_command_is_one_line_that_suggests_the_right_one()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "rnu");

        Assert.Equal(2, tb.ExitCode);
        Assert.Equal("tb: error: there is no command 'rnu'; did you mean 'run'? (see tb --help)\n", tb.Stderr);
    }

    [Fact]
    public async Task An_unknown_option_of_run_points_at_the_help_of_run()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--bogus");

        Assert.Equal(2, tb.ExitCode);
        var line = Assert.Single(tb.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("tb: error: ", line, StringComparison.Ordinal);
        Assert.EndsWith("(see tb run --help)", line, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--timeout", "1e20")]
    [InlineData("--grace", "9000h")]
    public async Task A_duration_too_large_is_one_error_line_with_exit_2(string option, string value)
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), $"plugins:\n  - ref: echo\n    path: {TestExecutables.Echo}\nsteps:\n  - name: hi\n    plugin: echo\n");

        using var tb = await Tb.RunAsync(_directory.FullName, "run", option, value);

        Assert.Equal(2, tb.ExitCode);
        Assert.Equal($"tb: error: {option} must be at most 24d, not '{value}'\n", tb.Stderr);
    }

    [Fact]
    public async Task A_directory_given_to_f_is_named_a_directory()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "run", "-f", _directory.FullName);

        Assert.Equal(2, tb.ExitCode);
        Assert.StartsWith($"tb: error: {_directory.FullName} is a directory; pass the DevFile itself", tb.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_run_header_counts_the_steps_that_will_run_in_good_english()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), $"plugins:\n  - ref: echo\n    path: {TestExecutables.Echo}\nsteps:\n  - name: a\n    plugin: echo\n  - name: b\n    plugin: echo\n  - name: c\n    plugin: echo\n");

        // c waits for every step above it, b only for a.
        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--step", "b");

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains(" (2 steps, run ", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_run_header_says_1_step_not_1_steps()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), $"plugins:\n  - ref: echo\n    path: {TestExecutables.Echo}\nsteps:\n  - name: a\n    plugin: echo\n");

        using var tb = await Tb.RunAsync(_directory.FullName, "run");

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains(" (1 step, run ", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Version_on_a_terminal_leaves_the_keypad_mode_alone()
    {
        // script(1) gives tb a pseudo-terminal and copies what tb writes to it.
        using var tb = Tb.StartExecutable(_directory.FullName, "/usr/bin/script", null, "-qc", $"'{TestExecutables.Tb}' --version", "/dev/null");
        await tb.WaitAsync(Deadline.After());

        Assert.Contains("0.1.0", tb.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b[?1h", tb.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("\u001b=", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_DevFile_anywhere_up_the_tree_exits_2_with_what_to_do()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "run");

        Assert.Equal(2, tb.ExitCode);
        Assert.Equal($"tb: error: no DevFile in {_directory.FullName} or any directory above it; create one (see docs/devfile.md) or pass -f FILE\n", tb.Stderr);
    }

    [Fact]
    public async Task A_DevFile_error_is_one_line_with_file_line_and_column_and_no_stack_trace()
    {
        var path = Path.Combine(_directory.FullName, "DevFile");
        File.WriteAllText(path, """
            plugins:
              - ref: echo
            steps:
              - name: hi
                plugin: ehco
                parralel: true
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run");

        Assert.Equal(2, tb.ExitCode);
        Assert.Equal(
            $"tb: error: {path}:4:5: step 'hi' uses plugin 'ehco', which is not under 'plugins:' (declared: echo); did you mean 'echo'?\n"
            + $"tb: error: {path}:6:5: unknown key 'parralel' in a step; allowed: name, plugin, config, parallel, needs, timeout, continue_on_error, if, executor, description, retry, matrix, inputs, outputs; did you mean 'parallel'?\n",
            tb.Stderr);
        Assert.Equal(string.Empty, tb.Stdout);
    }

    [Fact]
    public async Task Validate_finds_the_plugins_and_runs_nothing()
    {
        var marker = Path.Combine(_directory.FullName, "ran");
        File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), $"""
            plugins:
              - ref: shell
                path: {TestExecutables.Shell}
            steps:
              - name: touch
                plugin: shell
                config:
                  commands:
                    - touch {marker}
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "validate");

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains($"plugin shell: {TestExecutables.Shell}", tb.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(marker));
    }

    [Fact]
    public async Task Validate_reports_a_plugin_that_cannot_be_found_with_every_place_tried()
    {
        var path = Path.Combine(_directory.FullName, "DevFile");
        File.WriteAllText(path, """
            plugins:
              - ref: missing
                name: dist/plugin-missing
            steps:
              - name: hi
                plugin: missing
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "validate", "-f", path);

        Assert.Equal(2, tb.ExitCode);
        Assert.Equal(
            $"tb: error: {path}:2:5: plugin 'missing' not found; looked at: {_directory.FullName}/dist/plugin-missing (no such file). Build it (./build.sh builds the bundled ones), fix its name or path, or put it on PATH.\n",
            tb.Stderr);
    }

    [Fact]
    public async Task Bundled_plugins_are_found_next_to_tb_when_a_plugin_has_no_name()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), """
            plugins:
              - ref: echo
            steps:
              - name: hi
                plugin: echo
                config:
                  say: from the bundled echo
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "run");

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains("[hi] from the bundled echo", tb.Stdout, StringComparison.Ordinal);
    }
}
