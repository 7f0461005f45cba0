using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary><c>tb validate</c>'s warnings about variables and outputs that nothing declares (issue 13, item 7).</summary>
public sealed class TbValidateSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-validate-");

    private string DevFilePath => Path.Combine(_directory.FullName, "DevFile");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task A_misspelt_variable_is_warned_about_with_its_place_and_the_close_name_and_validation_still_succeeds()
    {
        File.WriteAllText(DevFilePath, $$$"""
            vars:
              name: world
            plugins:
              - ref: echo
                path: {{{TestExecutables.Echo}}}
            steps:
              - name: hi
                plugin: echo
                config:
                  say: "hello ${{ vars.nmae }}"
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "validate");

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains($"{DevFilePath}: valid", tb.Stdout, StringComparison.Ordinal);
        Assert.Equal(
            $"tb: warning: {DevFilePath}:10:23: in 'hello ${{{{ vars.nmae }}}}': 'vars.nmae' is not declared by vars:, --var, --var-file or any plugin; "
            + "did you mean 'name'? declare it under vars:, pass --var nmae=VALUE, or have the plugin that sets it declare it\n",
            tb.Stderr);
    }

    [Fact]
    public async Task A_variable_given_with_var_or_in_a_var_file_is_not_warned_about()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "more.yml"), "region: eu\n");
        File.WriteAllText(DevFilePath, $$$"""
            plugins:
              - ref: echo
                path: {{{TestExecutables.Echo}}}
            steps:
              - name: hi
                plugin: echo
                if: vars.region == 'eu'
                config:
                  say: "hello ${{ vars.nmae }}"
            """);

        using var without = await Tb.RunAsync(_directory.FullName, "validate");
        using var with = await Tb.RunAsync(_directory.FullName, "validate", "--var", "nmae=x", "--var-file", "more.yml");

        Assert.Equal(0, without.ExitCode);
        Assert.Contains("'vars.nmae' is not declared", without.Stderr, StringComparison.Ordinal);
        Assert.Contains($"{DevFilePath}:7:9: in 'vars.region == 'eu'': 'vars.region' is not declared", without.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, with.ExitCode);
        Assert.Equal(string.Empty, with.Stderr);
    }

    [Fact]
    public async Task A_variable_a_plugin_declares_is_not_warned_about_and_an_output_its_plugin_does_not_declare_is()
    {
        File.WriteAllText(DevFilePath, $$$"""
            plugins:
              - ref: sdk
                path: {{{TestExecutables.Get("tb-sdk-test-plugin")}}}
              - ref: echo
                path: {{{TestExecutables.Echo}}}
            steps:
              - name: producer
                plugin: sdk
                config:
                  mode: set-var
              - name: consumer
                plugin: echo
                config:
                  say: "${{ vars.plain }} ${{ steps.producer.outputs.seen }} ${{ steps.producer.outputs.sen }}"
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "validate");

        Assert.Equal(0, tb.ExitCode);
        var warning = Assert.Single(tb.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith($"tb: warning: {DevFilePath}:14:70: in '", warning, StringComparison.Ordinal);
        Assert.EndsWith(
            "': step 'producer' uses plugin 'sdk', which declares the outputs stdin, pid, started, finished, huge, variable, producerStatus, producerOutputs, seen, text, list, config, "
            + "not 'sen'; did you mean 'seen'? use a declared output, or have the plugin declare 'sen'",
            warning,
            StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_that_declares_nothing_softens_the_warning_to_say_it_may_set_the_variable()
    {
        File.WriteAllText(DevFilePath, $$$"""
            plugins:
              - ref: test
                path: {{{TestExecutables.TestPlugin}}}
            steps:
              - name: hi
                plugin: test
                config:
                  mode: "${{ vars.mode }}"
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "validate");

        Assert.Equal(0, tb.ExitCode);
        Assert.Equal(
            $"tb: warning: {DevFilePath}:8:18: in '${{{{ vars.mode }}}}': 'vars.mode' is not declared by vars:, --var or --var-file; "
            + "plugin 'test' does not declare the variables it sets, so it may be set while the run goes on; if not, declare it under vars: or pass --var mode=VALUE\n",
            tb.Stderr);
    }

    [Fact]
    public async Task A_variable_read_through_default_is_not_warned_about_but_one_before_an_or_is()
    {
        File.WriteAllText(DevFilePath, $$$"""
            plugins:
              - ref: echo
                path: {{{TestExecutables.Echo}}}
            steps:
              - name: hi
                plugin: echo
                config:
                  say: "${{ default(vars.greeting, 'hi') }} ${{ vars.who || 'you' }}"
            """);

        using var tb = await Tb.RunAsync(_directory.FullName, "validate");

        Assert.Equal(0, tb.ExitCode);
        var warning = Assert.Single(tb.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("'vars.who' is not declared", warning, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_probe_starts_no_plugin_and_says_the_plugins_were_not_asked()
    {
        var started = Path.Combine(_directory.FullName, "started");
        var wrapper = Path.Combine(_directory.FullName, "plugin-wrapped");
        File.WriteAllText(wrapper, $"#!/bin/sh\ntouch '{started}'\nexec '{TestExecutables.Echo}'\n");
        File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(DevFilePath, """
            plugins:
              - ref: echo
                path: ./plugin-wrapped
            steps:
              - name: hi
                plugin: echo
                config:
                  say: "${{ vars.who }}"
            """);

        using var notAsked = await Tb.RunAsync(_directory.FullName, "validate", "--no-probe");
        var startedWithoutProbe = File.Exists(started);
        using var asked = await Tb.RunAsync(_directory.FullName, "validate");

        Assert.Equal(0, notAsked.ExitCode);
        Assert.False(startedWithoutProbe);
        Assert.Contains("plugin 'echo' was not asked (--no-probe), so it may be set while the run goes on", notAsked.Stderr, StringComparison.Ordinal);
        Assert.Equal(0, asked.ExitCode);
        Assert.True(File.Exists(started));
        Assert.Contains("'vars.who' is not declared by vars:, --var, --var-file or any plugin", asked.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_that_does_not_answer_the_handshake_is_warned_about_and_validation_still_succeeds()
    {
        File.WriteAllText(DevFilePath, $$$"""
            plugins:
              - ref: test
                path: {{{TestExecutables.TestPlugin}}}
            steps:
              - name: hi
                plugin: test
            """);

        using var tb = Tb.StartExecutable(_directory.FullName, TestExecutables.Tb, new Dictionary<string, string> { ["TB_TEST_MODE"] = "silent-handshake" }, "validate");
        var exit = await tb.WaitAsync(Deadline.After(60));

        Assert.Equal(0, exit);
        Assert.Contains("tb: warning: plugin 'test' was not asked what it declares (", tb.Stderr, StringComparison.Ordinal);
        Assert.Contains("pass --no-probe to skip asking", tb.Stderr, StringComparison.Ordinal);
    }
}
