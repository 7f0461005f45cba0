using System.Diagnostics;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>
/// <c>tb completion bash|zsh|fish</c>: each script is loaded into the real shell, asked to complete real command lines,
/// and calls back the real tb (found on PATH as <c>tb</c>, as a user's would be).
/// </summary>
public sealed class TbCompletionSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-completion-");

    public TbCompletionSpecs()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), """
            plugins:
              - ref: echo
            steps:
              - name: compile
                plugin: echo
              - name: unit_tests
                plugin: echo
              - name: upload
                plugin: echo
            """);
        Directory.CreateDirectory(Path.Combine(_directory.FullName, "other"));
        File.WriteAllText(Path.Combine(_directory.FullName, "other", "Flow.yml"), """
            plugins:
              - ref: echo
            steps:
              - name: deploy
                plugin: echo
            """);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData("bash")]
    [InlineData("zsh")]
    [InlineData("fish")]
    public async Task The_script_for_each_shell_is_printed(string shell)
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "completion", shell);

        Assert.Equal(0, tb.ExitCode);
        Assert.Contains("__complete", tb.Stdout, StringComparison.Ordinal);
        Assert.Equal(string.Empty, tb.Stderr);
    }

    [Fact]
    public async Task An_unknown_shell_is_a_usage_error()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "completion", "powershell");

        Assert.Equal(2, tb.ExitCode);
        Assert.Contains("powershell", tb.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_call_back_offers_every_command_of_the_tree()
    {
        using var tb = await Tb.RunAsync(_directory.FullName, "__complete", "--", "");

        var labels = Labels(tb.Stdout);
        Assert.Equal(0, tb.ExitCode);
        foreach (var command in new[] { "run", "validate", "plugins", "lock", "plugin", "schema", "completion" })
        {
            Assert.Contains(command, labels);
        }

        Assert.DoesNotContain("__complete", labels);
    }

    [Fact]
    public async Task The_call_back_prints_nothing_on_stderr_when_the_DevFile_is_broken()
    {
        File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), "steps: [\n");

        using var tb = await Tb.RunAsync(_directory.FullName, "__complete", "--", "run", "--step", "");

        Assert.Equal(0, tb.ExitCode);
        Assert.Equal(string.Empty, tb.Stdout);
        Assert.Equal(string.Empty, tb.Stderr);
    }

    [ShellFact("bash")]
    public async Task Bash_completes_commands_options_and_step_names()
    {
        Assert.Contains("run", await BashAsync("tb", "r"));
        Assert.Equal(["plugin", "plugins"], await BashAsync("tb", "plu"));
        Assert.Equal(["--step"], await BashAsync("tb", "run", "--st"));
        Assert.Equal(["compile", "unit_tests", "upload"], await BashAsync("tb", "run", "--step", ""));
        Assert.Equal(["unit_tests", "upload"], await BashAsync("tb", "run", "--step", "u"));
        Assert.Equal(["deploy"], await BashAsync("tb", "run", "-f", "other/Flow.yml", "--step", ""));
        Assert.Equal(["bash", "fish", "zsh"], (await BashAsync("tb", "completion", "")).Where(word => !word.StartsWith('-')));
        Assert.Contains("--output", await BashAsync("tb", "schema", "--"));
    }

    [ShellFact("zsh")]
    public async Task Zsh_completes_commands_options_and_step_names()
    {
        Assert.Contains("run", await ZshAsync("tb", "r"));
        Assert.Equal(["--step"], await ZshAsync("tb", "run", "--st"));
        Assert.Equal(["compile", "unit_tests", "upload"], await ZshAsync("tb", "run", "--step", ""));
    }

    [ShellFact("fish")]
    public async Task Fish_completes_commands_options_and_step_names()
    {
        Assert.Contains("run", await FishAsync("tb r"));
        Assert.Equal(["--step"], await FishAsync("tb run --st"));
        Assert.Equal(["compile", "unit_tests", "upload"], await FishAsync("tb run --step "));
        Assert.Equal(["deploy"], await FishAsync("tb run -f other/Flow.yml --step "));
    }

    // Sets COMP_WORDS and COMP_CWORD as bash does when Tab is pressed, then calls the function the script registered.
    private async Task<List<string>> BashAsync(params string[] words)
    {
        var script = $$"""
            source <(tb completion bash)
            COMP_WORDS=({{string.Join(' ', words.Select(Quote))}})
            COMP_CWORD={{words.Length - 1}}
            function=$(complete -p tb | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
            "$function"
            printf '%s\n' "${COMPREPLY[@]}"
            """;
        return await ShellAsync("bash", ["-c", script]);
    }

    // zsh's completion system needs a terminal; the script's function is called with words and CURRENT as a widget has
    // them, and _describe, which would draw the menu, prints the candidates instead.
    private async Task<List<string>> ZshAsync(params string[] words)
    {
        var script = $$$"""
            autoload -Uz compinit && compinit -u -d "$TMPDIR/zcompdump"
            source <(tb completion zsh)
            _describe() { local candidate; for candidate in "${(@P)${@[-1]}}"; do print -r -- "${candidate%%:*}"; done }
            _files() { }
            words=({{{string.Join(' ', words.Select(Quote))}}})
            CURRENT={{{words.Length}}}
            $_comps[tb]
            """;
        return await ShellAsync("zsh", ["-f", "-c", script]);
    }

    // fish's own 'complete -C' completes a command line with every completion loaded, as Tab would.
    private async Task<List<string>> FishAsync(string line)
    {
        var script = $"tb completion fish | source; complete -C {Quote(line)}";
        var candidates = await ShellAsync("fish", ["--no-config", "-c", script]);
        return candidates.Select(candidate => candidate.Split('\t')[0]).ToList();
    }

    private async Task<List<string>> ShellAsync(string shell, string[] arguments)
    {
        var start = new ProcessStartInfo(shell)
        {
            WorkingDirectory = _directory.FullName,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["PATH"] = $"{Path.GetDirectoryName(TestExecutables.Tb)}:{Environment.GetEnvironmentVariable("PATH")}";
        start.Environment["TMPDIR"] = _directory.FullName;
        start.Environment["HOME"] = _directory.FullName;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync(Deadline.After(30));
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        Assert.True(process.ExitCode == 0, $"{shell} exited with {process.ExitCode}: {await error}");
        Assert.Equal(string.Empty, await error);
        return Labels(await output);
    }

    private static List<string> Labels(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(line => line.Split('\t')[0]).Order(StringComparer.Ordinal).ToList();

    private static string Quote(string word) => $"'{word.Replace("'", "'\\''", StringComparison.Ordinal)}'";
}
