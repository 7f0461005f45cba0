using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Hosting.Tests;

/// <summary>examples/HostingSample, run as a user runs it: the host library embedded in an application of its own.</summary>
public sealed partial class HostingSampleSpecs : IAsyncLifetime
{
    private const string MarkerName = "TB_TEST_HOSTING_SAMPLE";
    private readonly string _marker = Guid.NewGuid().ToString("N");
    private readonly CancellationToken _deadline = Deadline.After(60);

    public Task InitializeAsync() => Task.CompletedTask;

    // The sample, its plugins and their children all inherit the marker; none may outlive the sample.
    public async Task DisposeAsync() => Assert.Empty(await ProcessTable.SurvivorsWithEnvironmentAsync($"{MarkerName}={_marker}"));

    [Fact]
    public async Task The_sample_runs_five_steps_on_one_warm_process_cancels_a_sleeping_step_and_stops_everything()
    {
        var (exitCode, stdout, stderr) = await RunSampleAsync(TestExecutables.Echo, TestExecutables.Shell);

        Assert.True(exitCode == 0, $"hosting-sample exited with {exitCode}:\n{stdout}\n{stderr}");
        var steps = StepLine().Matches(stdout).ToDictionary(match => match.Groups["name"].Value, match => (Said: match.Groups["said"].Value, Pid: match.Groups["pid"].Value));
        Assert.Equal(["five", "four", "one", "three", "two"], steps.Keys.Order(StringComparer.Ordinal));
        Assert.All(steps, step => Assert.Equal($"hello from {step.Key}", step.Value.Said));
        Assert.Single(steps.Values.Select(step => step.Pid).Distinct());
        Assert.Contains($"echo: 5 steps on 1 process(es), pid {steps["one"].Pid}; warm: True", stdout, StringComparison.Ordinal);
        Assert.Contains("[three] hello from three", stdout, StringComparison.Ordinal);
        Assert.Matches(@"step sleep: cancelled after \d+\.\d s", stdout);
        Assert.EndsWith($"stopped echo (pid {steps["one"].Pid}); nothing left running\n", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_a_shell_plugin_the_sample_skips_the_cancellation()
    {
        var (exitCode, stdout, stderr) = await RunSampleAsync(TestExecutables.Echo);

        Assert.True(exitCode == 0, $"hosting-sample exited with {exitCode}:\n{stdout}\n{stderr}");
        Assert.Contains("cancel: skipped (no shell plugin given)", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("step sleep", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_plugin_path_that_does_not_exist_is_reported_with_every_place_tried()
    {
        var missing = Path.Combine(Path.GetTempPath(), _marker, "plugin-echo");

        var (exitCode, _, stderr) = await RunSampleAsync(missing);

        Assert.Equal(2, exitCode);
        Assert.Contains($"plugin 'echo' not found; looked at: {missing} (no such file)", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public void The_guide_lists_the_sample_as_it_is()
    {
        var guide = File.ReadAllText(Path.Combine(TestExecutables.RepositoryRoot, "docs", "hosting.md"));
        var sample = File.ReadAllText(Path.Combine(TestExecutables.RepositoryRoot, "examples", "HostingSample", "Program.cs"));

        var listing = GuideListing().Match(guide);

        Assert.True(listing.Success, "docs/hosting.md has no listing of examples/HostingSample/Program.cs");
        Assert.Equal(sample, listing.Groups["code"].Value);
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> RunSampleAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo(TestExecutables.Get("hosting-sample"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[MarkerName] = _marker;
        using var process = Process.Start(start)!;
        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        process.OutputDataReceived += (_, line) => Append(stdout, line.Data);
        process.ErrorDataReceived += (_, line) => Append(stderr, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            // Also waits for the redirected streams to end, so every line is in.
            await process.WaitForExitAsync(_deadline);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, Read(stdout), Read(stderr));
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is not null)
        {
            lock (builder)
            {
                builder.Append(line).Append('\n');
            }
        }
    }

    private static string Read(StringBuilder builder)
    {
        lock (builder)
        {
            return builder.ToString();
        }
    }

    [GeneratedRegex("""<!-- The block below is examples/HostingSample/Program.cs, verbatim[^\n]*\n```csharp\n(?<code>.*?\n)```\n""", RegexOptions.Singleline)]
    private static partial Regex GuideListing();

    [GeneratedRegex("""^step (?<name>\w+): succeeded, said "(?<said>[^"]*)" \(pid (?<pid>\d+)\)$""", RegexOptions.Multiline)]
    private static partial Regex StepLine();
}
