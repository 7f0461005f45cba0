using System.Buffers.Text;
using System.IO.Enumeration;
using System.Runtime.InteropServices;

namespace TalkingBinaries.Hosting.Processes;

/// <summary>Finds and kills what is left in a plugin's process group besides the plugin itself (Linux's /proc).</summary>
/// <remarks>
/// A plugin kept warm from one run to the next outlives its steps, and so would what a step started in the background
/// (<c>sleep 100 &amp;</c> in a shell step): those stay in the plugin's process group, which ends only with the plugin.
/// Only pids above the plugin's are looked at: a process left after the pids wrapped around is missed.
/// It runs after every run of a tb server, so it costs little: /proc's names are read without a stat of each, and a
/// process's stat line with three system calls and no exception when the process has gone meanwhile.
/// </remarks>
internal static unsafe class ProcessGroupSweep
{
    /// <summary>Kills (SIGKILL) every process in the groups <paramref name="leaders"/> lead, but the leaders; how many.</summary>
    public static int KillAllBut(IReadOnlySet<int> leaders)
    {
        var lowest = leaders.Min();

        // Only processes started after the plugin can be its steps' (pids grow until they wrap at pid_max): the rest of
        // /proc is not read.
        var candidates = new FileSystemEnumerable<int>(
            "/proc",
            static (ref FileSystemEntry entry) => int.Parse(entry.FileName, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture),
            new EnumerationOptions { AttributesToSkip = 0, IgnoreInaccessible = true })
        {
            ShouldIncludePredicate = (ref FileSystemEntry entry) => int.TryParse(entry.FileName, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid) && pid > lowest && !leaders.Contains(pid),
        };
        var killed = 0;
        foreach (var pid in candidates)
        {
            if (leaders.Contains(GroupOf(pid)) && LibC.Kill(pid, LibC.SigKill) == 0)
            {
                killed++;
            }
        }

        return killed;
    }

    /// <summary>The process group in <c>/proc/PID/stat</c>; -1 when the process is gone or its line is not as expected.</summary>
    private static int GroupOf(int pid)
    {
        var path = stackalloc byte[32];
        if (!System.Text.Unicode.Utf8.TryWrite(new Span<byte>(path, 32), System.Globalization.CultureInfo.InvariantCulture, $"/proc/{pid}/stat\0", out _))
        {
            return -1;
        }

        int descriptor;
        while ((descriptor = LibC.Open(path, LibC.OCloExec)) < 0 && Marshal.GetLastPInvokeError() == LibC.Eintr)
        {
        }

        if (descriptor < 0)
        {
            return -1;
        }

        var line = stackalloc byte[512];
        nint read;
        while ((read = LibC.Read(descriptor, line, 512)) < 0 && Marshal.GetLastPInvokeError() == LibC.Eintr)
        {
        }

        _ = LibC.Close(descriptor);
        if (read <= 0)
        {
            return -1;
        }

        // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so count from the last ')'.
        var text = new ReadOnlySpan<byte>(line, (int)read);
        var end = text.LastIndexOf((byte)')');
        if (end < 0 || end + 2 >= text.Length)
        {
            return -1;
        }

        var fields = text[(end + 2)..];
        for (var skipped = 0; skipped < 2; skipped++)
        {
            var space = fields.IndexOf((byte)' ');
            if (space < 0)
            {
                return -1;
            }

            fields = fields[(space + 1)..];
        }

        return Utf8Parser.TryParse(fields, out int group, out _) ? group : -1;
    }
}
