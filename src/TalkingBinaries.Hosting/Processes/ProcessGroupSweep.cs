using System.Globalization;

namespace TalkingBinaries.Hosting.Processes;

/// <summary>Finds and kills what is left in a plugin's process group besides the plugin itself (Linux's /proc).</summary>
/// <remarks>
/// A plugin kept warm from one run to the next outlives its steps, and so would what a step started in the background
/// (<c>sleep 100 &amp;</c> in a shell step): those stay in the plugin's process group, which ends only with the plugin.
/// Only pids above the plugin's are looked at: a process left after the pids wrapped around is missed.
/// </remarks>
internal static class ProcessGroupSweep
{
    /// <summary>Kills (SIGKILL) every process in the groups <paramref name="leaders"/> lead, but the leaders; how many.</summary>
    public static int KillAllBut(IReadOnlySet<int> leaders)
    {
        var lowest = leaders.Min();
        var killed = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            // Only processes started after the plugin can be its steps' (pids grow until they wrap at pid_max): the rest of
            // /proc is not read.
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= lowest || leaders.Contains(pid))
            {
                continue;
            }

            if (leaders.Contains(GroupOf(directory)) && LibC.Kill(pid, LibC.SigKill) == 0)
            {
                killed++;
            }
        }

        return killed;
    }

    /// <summary>The process group in <c>/proc/PID/stat</c>; -1 when the process is gone or its line is not as expected.</summary>
    private static int GroupOf(string directory)
    {
        Span<byte> line = stackalloc byte[512];
        int read;
        try
        {
            using var stat = File.OpenHandle(Path.Combine(directory, "stat"));
            read = RandomAccess.Read(stat, line, 0);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return -1;
        }

        // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so count from the last ')'.
        var text = line[..read];
        var end = text.LastIndexOf((byte)')');
        if (end < 0 || end + 2 >= text.Length)
        {
            return -1;
        }

        var fields = System.Text.Encoding.ASCII.GetString(text[(end + 2)..]).Split(' ', 4);
        return fields.Length > 2 && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var group) ? group : -1;
    }
}
