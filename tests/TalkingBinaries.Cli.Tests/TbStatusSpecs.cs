using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary><c>tb status</c>, and what <c>tb run</c> prints for up-to-date steps and with <c>--force</c> (docs/devfile.md, "Up to date").</summary>
public sealed class TbStatusSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-status-");

    public TbStatusSpecs()
    {
        Write("src/a.c", "int a;");
        Write("src/b.c", "int b;");
        Write("DevFile", $"""
            plugins:
              - ref: shell
                path: {TestExecutables.Shell}
            steps:
              - name: build
                plugin: shell
                inputs: ["src/*.c"]
                outputs: out/app
                config:
                  commands:
                    - echo build >> runs
                    - mkdir -p out && cat src/*.c > out/app
              - name: package
                plugin: shell
                needs: [build]
                outputs: dist/app.tar
                config:
                  commands:
                    - echo package >> runs
                    - mkdir -p dist && cp out/app dist/app.tar
              - name: lint
                plugin: shell
                config:
                  commands:
                    - echo lint >> runs
            """);
    }

    public void Dispose() => _directory.Delete(recursive: true);

    private string ReportPath => Path.Combine(_directory.FullName, "report.json");

    [Fact]
    public async Task Before_any_run_every_step_would_run_and_says_why_and_no_tb_directory_is_made()
    {
        using var tb = Tb.Start(_directory.FullName, "status", "--no-color");
        var exit = await tb.WaitAsync(Deadline.After());

        Assert.True(exit == 0, tb.Stdout + tb.Stderr);
        var lines = tb.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Matches(@"^STEP\s+STATUS\s+WHY$", lines[0]);
        Assert.Matches(@"^build\s+runs\s+it has not run successfully with these inputs and outputs$", lines[1]);
        Assert.Matches(@"^package\s+runs\s+step 'build', which it waits for, runs first$", lines[2]);
        Assert.Matches(@"^lint\s+runs\s+it has no inputs or outputs$", lines[3]);
        Assert.EndsWith(": 0 up to date, 3 to run", lines[4], StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_directory.FullName, ".tb")));
        Assert.False(File.Exists(Path.Combine(_directory.FullName, "runs")));
    }

    [Fact]
    public async Task After_a_run_the_tracked_steps_are_up_to_date_and_a_changed_input_is_named()
    {
        await RunAsync("run");

        var after = await RunAsync("status", "--no-color");
        Write("src/a.c", "int a = 2;");
        var changed = await RunAsync("status", "--no-color");

        Assert.Matches(@"\nbuild\s+up to date\n", after.Stdout);
        Assert.Matches(@"\npackage\s+up to date\n", after.Stdout);
        Assert.Matches(@"\nlint\s+runs\s+it has no inputs or outputs\n", after.Stdout);
        Assert.Contains(": 2 up to date, 1 to run", after.Stdout, StringComparison.Ordinal);
        Assert.Matches(@"\nbuild\s+runs\s+input 'src/a\.c' changed\n", changed.Stdout);
        Assert.Matches(@"\npackage\s+runs\s+step 'build', which it waits for, runs first\n", changed.Stdout);
        Assert.Equal(["build", "package", "lint"], Runs());
    }

    [Fact]
    public async Task Status_json_lists_each_step_with_its_plugin_whether_it_is_up_to_date_and_why()
    {
        await RunAsync("run");
        File.Delete(Path.Combine(_directory.FullName, "dist", "app.tar"));

        var status = await RunAsync("status", "--json");

        using var json = JsonDocument.Parse(status.Stdout);
        Assert.Equal(Path.Combine(_directory.FullName, "DevFile"), json.RootElement.GetProperty("devFile").GetString());
        var steps = json.RootElement.GetProperty("steps").EnumerateArray().ToList();
        Assert.Equal(["build", "package", "lint"], steps.Select(step => step.GetProperty("name").GetString()));
        Assert.All(steps, step => Assert.Equal("shell", step.GetProperty("plugin").GetString()));
        Assert.Equal([true, false, false], steps.Select(step => step.GetProperty("upToDate").GetBoolean()));
        Assert.Equal(JsonValueKind.Null, steps[0].GetProperty("reason").ValueKind);
        Assert.Equal("output 'dist/app.tar' is gone", steps[1].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task Status_writes_nothing_the_tb_directory_stays_byte_for_byte_the_same()
    {
        await RunAsync("run");
        Write("src/a.c", "int a = 2;");
        var before = Snapshot();

        await RunAsync("status", "--no-color");
        await RunAsync("status", "--json", "--force", "--var", "mode=debug");

        Assert.Equal(before, Snapshot());
        Assert.Equal(["build", "package", "lint"], Runs());
    }

    [Fact]
    public async Task Run_prints_up_to_date_for_skipped_steps_and_counts_them_in_the_summary_and_report()
    {
        await RunAsync("run");

        var second = await RunAsync("run", "--no-color", "--report", ReportPath);

        Assert.Contains("[build] up to date\n", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("[package] up to date\n", second.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("[build] started", second.Stdout, StringComparison.Ordinal);
        Assert.Contains("run succeeded: 1 succeeded, 0 failed, 0 skipped, 0 cancelled, 2 up to date", second.Stdout, StringComparison.Ordinal);
        using var report = JsonDocument.Parse(File.ReadAllText(ReportPath));
        var statuses = report.RootElement.GetProperty("steps").EnumerateArray().ToDictionary(step => step.GetProperty("name").GetString()!, step => step.GetProperty("status").GetString());
        Assert.Equal("up-to-date", statuses["build"]);
        Assert.Equal("up-to-date", statuses["package"]);
        Assert.Equal("succeeded", statuses["lint"]);
        Assert.Equal(["build", "package", "lint", "lint"], Runs());
    }

    [Fact]
    public async Task Force_runs_every_step_and_status_with_force_says_so()
    {
        await RunAsync("run");

        var status = await RunAsync("status", "--no-color", "--force");
        var forced = await RunAsync("run", "--no-color", "--force");

        Assert.Matches(@"\nbuild\s+runs\s+--force\n", status.Stdout);
        Assert.Contains("[build] succeeded", forced.Stdout, StringComparison.Ordinal);
        Assert.Contains("run succeeded: 3 succeeded, 0 failed, 0 skipped, 0 cancelled in", forced.Stdout, StringComparison.Ordinal);
        Assert.Equal(["build", "package", "lint", "build", "package", "lint"], Runs());
    }

    private async Task<Tb> RunAsync(params string[] arguments)
    {
        var tb = Tb.Start(_directory.FullName, arguments);
        var exit = await tb.WaitAsync(Deadline.After());
        Assert.True(exit == 0, $"tb {string.Join(' ', arguments)} exited with {exit}:\n{tb.Stdout}{tb.Stderr}");
        tb.Dispose();
        return tb;
    }

    private Dictionary<string, string> Snapshot()
    {
        var tbDirectory = Path.Combine(_directory.FullName, ".tb");
        return Directory.EnumerateFiles(tbDirectory, "*", SearchOption.AllDirectories)
            .ToDictionary(path => Path.GetRelativePath(tbDirectory, path), path => Convert.ToHexString(File.ReadAllBytes(path)) + "@" + File.GetLastWriteTimeUtc(path).Ticks);
    }

    private string[] Runs()
    {
        var path = Path.Combine(_directory.FullName, "runs");
        return File.Exists(path) ? File.ReadAllLines(path) : [];
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_directory.FullName, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }
}
