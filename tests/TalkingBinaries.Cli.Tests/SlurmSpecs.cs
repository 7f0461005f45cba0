using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>Plugins on a real Slurm cluster through srun and the relay (issue 12, docs/cluster.md): the same plugins, unchanged.</summary>
public sealed class SlurmSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-slurm-");

    public void Dispose() => _directory.Delete(recursive: true);

    private string ReportPath => Path.Combine(_directory.FullName, "report.json");

    [SlurmFact]
    public async Task The_seed_DevFile_runs_with_both_plugins_on_Slurm_and_the_report_says_where_each_step_ran()
    {
        WriteDevFile($"""
            plugins:
              - ref: echo
                path: {TestExecutables.Echo}
                executor: slurm
              - ref: shell
                path: {TestExecutables.Shell}
                executor: {"{"} slurm: {"{"} partition: debug, time: "5" {"}"} {"}"}
            steps:
              - name: say_hi
                plugin: echo
                config:
                  say: hello world
              - name: say_hi_via_bash
                plugin: shell
                config:
                  commands:
                    - echo "hello world"
                    - echo "hello world 2 in job $SLURM_JOB_ID"
            """);

        using var tb = await RunAsync();

        Assert.True(tb.ExitCode == 0, tb.Stdout + tb.Stderr);
        Assert.Contains("[say_hi] hello world\n", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[say_hi_via_bash] hello world\n", tb.Stdout, StringComparison.Ordinal);
        var steps = Steps();
        foreach (var step in steps)
        {
            Assert.Equal("slurm", step.GetProperty("executor").GetString());
            Assert.Matches("^[0-9]+$", step.GetProperty("slurmJobId").GetString());
            Assert.Matches("^[0-9]+$", step.GetProperty("slurmStepId").GetString());
            Assert.Equal(Environment.MachineName.Split('.')[0], step.GetProperty("node").GetString());
        }

        Assert.Contains($"[say_hi_via_bash] hello world 2 in job {steps[1].GetProperty("slurmJobId").GetString()}\n", tb.Stdout, StringComparison.Ordinal);
        Assert.NotEqual(steps[0].GetProperty("slurmJobId").GetString(), steps[1].GetProperty("slurmJobId").GetString());
        await AssertNoJobsLeftAsync();
    }

    [SlurmFact]
    public async Task A_warm_plugin_is_one_job_for_all_its_steps_and_a_one_shot_plugin_is_a_job_per_step()
    {
        WriteDevFile($"""
            plugins:
              - ref: warm
                path: {TestExecutables.Echo}
                executor: slurm
              - ref: cold
                path: {TestExecutables.Echo}
                warm: false
                executor: slurm
            steps:
              - {"{"} name: w1, plugin: warm, config: {"{"} say: one {"}"} {"}"}
              - {"{"} name: w2, plugin: warm, config: {"{"} say: two {"}"} {"}"}
              - {"{"} name: c1, plugin: cold, config: {"{"} say: three {"}"} {"}"}
              - {"{"} name: c2, plugin: cold, config: {"{"} say: four {"}"} {"}"}
              - {"{"} name: here, plugin: cold, executor: local, config: {"{"} say: five {"}"} {"}"}
            """);

        using var tb = await RunAsync();

        Assert.True(tb.ExitCode == 0, tb.Stdout + tb.Stderr);
        var steps = Steps().ToDictionary(step => step.GetProperty("name").GetString()!);
        string Job(string name) => steps[name].GetProperty("slurmJobId").GetString()!;
        Assert.Equal(Job("w1"), Job("w2"));
        Assert.NotEqual(Job("c1"), Job("c2"));
        Assert.Equal(3, new[] { Job("w1"), Job("c1"), Job("c2") }.Distinct().Count());
        Assert.Equal("local", steps["here"].GetProperty("executor").GetString());
        Assert.Equal(JsonValueKind.Null, steps["here"].GetProperty("slurmJobId").ValueKind);
        await AssertNoJobsLeftAsync();
    }

    [SlurmFact]
    public async Task Parallel_instances_on_Slurm_run_at_once_each_with_its_TB_INSTANCE()
    {
        WriteDevFile($"""
            plugins:
              - ref: shell
                path: {TestExecutables.Shell}
                warm: false
                executor: slurm
            steps:
              - name: a
                plugin: shell
                parallel: true
                config: {"{"} commands: ["sleep 1.5", "echo instance $TB_INSTANCE of $TB_INSTANCES"] {"}"}
              - name: b
                plugin: shell
                parallel: true
                config: {"{"} commands: ["sleep 1.5", "echo instance $TB_INSTANCE of $TB_INSTANCES"] {"}"}
            """);

        var clock = Stopwatch.StartNew();
        using var tb = await RunAsync("-j", "2");

        Assert.True(tb.ExitCode == 0, tb.Stdout + tb.Stderr);
        Assert.Contains("[a] instance 0 of 2\n", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("[b] instance 1 of 2\n", tb.Stdout, StringComparison.Ordinal);
        var steps = Steps();
        Assert.NotEqual(steps[0].GetProperty("slurmJobId").GetString(), steps[1].GetProperty("slurmJobId").GetString());

        // Overlapping: each started before the other finished.
        var (startA, endA) = (steps[0].GetProperty("startedAt").GetDateTimeOffset(), steps[0].GetProperty("finishedAt").GetDateTimeOffset());
        var (startB, endB) = (steps[1].GetProperty("startedAt").GetDateTimeOffset(), steps[1].GetProperty("finishedAt").GetDateTimeOffset());
        Assert.True(startA < endB && startB < endA, $"a ran {startA:HH:mm:ss.fff}-{endA:HH:mm:ss.fff}, b {startB:HH:mm:ss.fff}-{endB:HH:mm:ss.fff}");
        await AssertNoJobsLeftAsync();
    }

    [SlurmFact]
    public async Task A_step_timeout_on_Slurm_stops_the_plugin_and_leaves_nothing_on_the_node()
    {
        WriteDevFile($"""
            plugins:
              - ref: test
                path: {TestExecutables.TestPlugin}
                executor: slurm
            steps:
              - name: stuck
                plugin: test
                timeout: 2s
                config: {"{"} mode: hang {"}"}
            """);

        using var tb = await RunAsync("--grace", "2s");

        Assert.Equal(1, tb.ExitCode);
        Assert.Contains("[stuck] failed", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("timed out after 2s", tb.Stdout, StringComparison.Ordinal);
        await AssertNoJobsLeftAsync();
    }

    [SlurmFact]
    public async Task Ctrl_C_on_Slurm_stops_the_plugins_gracefully_exits_130_and_leaves_nothing_on_the_node()
    {
        WriteDevFile($"""
            plugins:
              - ref: shell
                path: {TestExecutables.Shell}
                executor: slurm
            steps:
              - name: long
                plugin: shell
                config: {"{"} commands: ["echo started", "sleep 60"] {"}"}
            """);

        using var tb = Tb.Start(_directory.FullName, "run", "--report", ReportPath);
        await tb.WaitForOutputAsync("[long] started\n", Deadline.After(60));
        tb.Signal("INT");

        Assert.Equal(130, await tb.WaitAsync(Deadline.After(60)));
        Assert.Equal("cancelled", Steps()[0].GetProperty("status").GetString());
        Assert.Matches("^[0-9]+$", Steps()[0].GetProperty("slurmJobId").GetString());
        await AssertNoJobsLeftAsync();
    }

    [SlurmFact]
    public async Task A_plugin_that_crashes_on_Slurm_has_every_log_line_kept()
    {
        WriteDevFile($"""
            plugins:
              - ref: test
                path: {TestExecutables.TestPlugin}
                executor: slurm
            steps:
              - name: crash
                plugin: test
                config:
                  mode: crash-after-logging
                  lines: 200
            """);

        using var tb = await RunAsync();

        Assert.Equal(1, tb.ExitCode);
        for (var line = 1; line <= 200; line++)
        {
            Assert.Contains($"[crash] line {line} of 200 before the crash\n", tb.Stdout, StringComparison.Ordinal);
        }

        Assert.Contains("[crash] error: crashing now", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("exited with exit code 3", tb.Stdout, StringComparison.Ordinal);
        await AssertNoJobsLeftAsync();
    }

    [SlurmFact]
    public async Task A_job_held_in_the_queue_longer_than_the_handshake_timeout_still_runs_once_released()
    {
        WriteDevFile($"""
            plugins:
              - ref: held
                path: {TestExecutables.Echo}
                executor: {"{"} slurm: {"{"} extra_args: ["--hold"] {"}"} {"}"}
            steps:
              - name: later
                plugin: held
                config: {"{"} say: waited in the queue {"}"}
            """);

        using var tb = Tb.Start(_directory.FullName, "run", "--report", ReportPath);

        // Held past the 10 s handshake timeout: the handshake's clock starts when the relay connects, not at srun.
        var job = await JobNamedAsync("tb-held", Deadline.After(30));
        await Task.Delay(TimeSpan.FromSeconds(11));
        Assert.False(tb.HasExited, tb.Stdout + tb.Stderr);
        using (var release = Process.Start("scontrol", ["release", job])!)
        {
            await release.WaitForExitAsync(Deadline.After(30));
        }

        Assert.Equal(0, await tb.WaitAsync(Deadline.After(90)));
        Assert.Contains("[later] waited in the queue\n", tb.Stdout, StringComparison.Ordinal);
        Assert.Equal(job, Steps()[0].GetProperty("slurmJobId").GetString());
        await AssertNoJobsLeftAsync();
    }

    [SlurmFact]
    public async Task Under_salloc_the_plugins_run_as_steps_of_the_allocation_not_as_jobs_of_their_own()
    {
        WriteDevFile($"""
            plugins:
              - ref: echo
                path: {TestExecutables.Echo}
                executor: slurm
              - ref: shell
                path: {TestExecutables.Shell}
                executor: slurm
            steps:
              - {"{"} name: a, plugin: echo, config: {"{"} say: inside {"}"} {"}"}
              - {"{"} name: b, plugin: shell, config: {"{"} commands: ["echo job $SLURM_JOB_ID"] {"}"} {"}"}
            """);

        // salloc runs tb with SLURM_JOB_ID set, so srun makes steps of its allocation.
        using var tb = Tb.StartExecutable(_directory.FullName, "salloc", null, ["--ntasks=2", "--quiet", "--job-name=tb-allocation", TestExecutables.Tb, "run", "--report", ReportPath]);

        Assert.True(await tb.WaitAsync(Deadline.After(120)) == 0, tb.Stdout + tb.Stderr);
        var steps = Steps();
        var allocation = steps[0].GetProperty("slurmJobId").GetString();
        Assert.Equal(allocation, steps[1].GetProperty("slurmJobId").GetString());
        Assert.NotEqual(steps[0].GetProperty("slurmStepId").GetString(), steps[1].GetProperty("slurmStepId").GetString());
        Assert.Contains($"[b] job {allocation}\n", tb.Stdout, StringComparison.Ordinal);
        await AssertNoJobsLeftAsync();
    }

    [SlurmFact]
    public async Task A_callback_address_that_is_not_this_hosts_fails_the_step_with_one_line_saying_what_to_set()
    {
        WriteDevFile($"""
            plugins:
              - ref: echo
                path: {TestExecutables.Echo}
                executor: {"{"} slurm: {"{"} callback_address: 203.0.113.7 {"}"} {"}"}
            steps:
              - {"{"} name: a, plugin: echo, config: {"{"} say: hi {"}"} {"}"}
            """);

        using var tb = await RunAsync();

        Assert.Equal(1, tb.ExitCode);
        Assert.Contains("[a] failed (step execution time ", tb.Stdout, StringComparison.Ordinal);
        Assert.Contains("): plugin 'echo': cannot listen for its relay on 203.0.113.7: Cannot assign requested address; give the executor a 'callback_address' of this host that the nodes can reach\n", tb.Stdout, StringComparison.Ordinal);
        await AssertNoJobsLeftAsync();
    }

    private static async Task<string> JobNamedAsync(string name, CancellationToken deadline)
    {
        while (true)
        {
            using var squeue = Process.Start(new ProcessStartInfo("squeue", ["-h", "-n", name, "-o", "%i"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            var id = (await squeue.StandardOutput.ReadToEndAsync(deadline)).Trim();
            await squeue.WaitForExitAsync(deadline);
            if (id.Length > 0)
            {
                return id;
            }

            await Task.Delay(100, deadline);
        }
    }

    private void WriteDevFile(string text) => File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), text);

    private async Task<Tb> RunAsync(params string[] arguments)
    {
        var tb = Tb.Start(_directory.FullName, ["run", "--report", ReportPath, .. arguments]);
        await tb.WaitAsync(Deadline.After(120));
        return tb;
    }

    private List<JsonElement> Steps()
    {
        using var report = JsonDocument.Parse(File.ReadAllText(ReportPath));
        return report.RootElement.GetProperty("steps").EnumerateArray().Select(step => step.Clone()).ToList();
    }

    /// <summary>No job of tb's is queued or running (only this class runs tb on Slurm; processes on the node are checked by Tb, by their marker).</summary>
    private static async Task AssertNoJobsLeftAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(10);
        string jobs;
        do
        {
            using var squeue = Process.Start(new ProcessStartInfo("squeue", ["-h", "-o", "%i %j %T"]) { RedirectStandardOutput = true, UseShellExecute = false })!;
            jobs = string.Join("\n", (await squeue.StandardOutput.ReadToEndAsync()).Split('\n').Where(line => line.Contains(" tb-", StringComparison.Ordinal)));
            await squeue.WaitForExitAsync();
            if (jobs.Length == 0)
            {
                return;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        Assert.Fail($"Slurm jobs left after the run:\n{jobs}");
    }
}
