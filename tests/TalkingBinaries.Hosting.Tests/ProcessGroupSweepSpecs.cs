using System.Diagnostics;
using TalkingBinaries.Hosting.Processes;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Hosting.Tests;

/// <summary>The sweep after a warm plugin's run: it kills what is left in the plugin's process group, and nothing else.</summary>
public sealed class ProcessGroupSweepSpecs : IAsyncLifetime, IDisposable
{
    private readonly string _marker = $"TB_SWEEP_SPEC={Guid.NewGuid():N}";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-sweep-");
    private readonly List<Process> _started = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _started)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }

        Assert.Empty(await ProcessTable.SurvivorsWithEnvironmentAsync(_marker));
    }

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Kills_every_process_in_the_leaders_group_but_the_leader_whatever_its_name_and_spares_other_groups()
    {
        // A command named like "a) b (c": /proc/PID/stat shows it between parentheses, spaces and parentheses included.
        var oddlyNamed = Path.Combine(_directory.FullName, "a) b (c");
        File.Copy("/bin/sleep", oddlyNamed);
        File.SetUnixFileMode(oddlyNamed, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        var leader = StartGroup($"'{oddlyNamed}' 300 & sleep 300 & echo ready; exec sleep 300");
        var bystander = StartGroup("sleep 300 & echo ready; exec sleep 300");
        var inGroup = await ChildrenOf(leader.Id, 2);
        var elsewhere = await ChildrenOf(bystander.Id, 1);

        var killed = ProcessGroupSweep.KillAllBut(new HashSet<int> { leader.Id });

        Assert.Equal(2, killed);
        Assert.Empty(await ProcessTable.SurvivorsAsync(inGroup));
        Assert.True(ProcessTable.IsAlive(leader.Id), "the leader (the plugin) goes on");
        Assert.True(ProcessTable.IsAlive(bystander.Id) && elsewhere.All(ProcessTable.IsAlive), "another group is not touched");
    }

    [Fact]
    public void Finds_nothing_to_kill_in_a_group_with_only_its_leader()
    {
        var leader = StartGroup("echo ready; exec sleep 300");

        Assert.Equal(0, ProcessGroupSweep.KillAllBut(new HashSet<int> { leader.Id }));
        Assert.True(ProcessTable.IsAlive(leader.Id));
    }

    /// <summary>A shell leading a process group of its own (setsid execs it in place), with the marker in its environment.</summary>
    private Process StartGroup(string script)
    {
        var start = new ProcessStartInfo("/usr/bin/setsid", ["/bin/sh", "-c", script]) { RedirectStandardOutput = true, UseShellExecute = false };
        var (name, value) = (_marker.Split('=')[0], _marker.Split('=')[1]);
        start.Environment[name] = value;
        var process = Process.Start(start)!;
        _started.Add(process);
        Assert.Equal("ready", process.StandardOutput.ReadLine());
        return process;
    }

    private static async Task<IReadOnlyList<int>> ChildrenOf(int pid, int count)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (true)
        {
            var children = File.ReadAllText($"/proc/{pid}/task/{pid}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse).ToList();
            if (children.Count >= count)
            {
                return children;
            }

            await Task.Delay(10, deadline.Token);
        }
    }
}
