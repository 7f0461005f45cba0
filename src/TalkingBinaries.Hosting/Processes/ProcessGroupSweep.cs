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
    /// <summary>Kills (SIGKILL) every process in the group <paramref name="leader"/> leads, but the leader; how many.</summary>
    public static int KillAllBut(int leader)
    {
        var killed = 0;
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            var name = Path.GetFileName(directory);
            // Only processes started after the plugin can be its steps' (pids grow until they wrap at pid_max): the rest of
            // /proc is not read.
            if (!int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= leader)
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            // pid (comm) state ppid pgrp ...: comm may hold spaces and parentheses, so count from the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 4);
            if (fields.Length > 2 && fields[2] == leader.ToString(CultureInfo.InvariantCulture) && LibC.Kill(pid, LibC.SigKill) == 0)
            {
                killed++;
            }
        }

        return killed;
    }
}
