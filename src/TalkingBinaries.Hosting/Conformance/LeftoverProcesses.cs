using System.Globalization;
using TalkingBinaries.Hosting.Processes;

namespace TalkingBinaries.Hosting.Conformance;

/// <summary>A process that outlived the plugin it came from: still in the plugin's process group, or carrying its environment marker.</summary>
/// <param name="Pid">The process.</param>
/// <param name="Command">Its name, from /proc/PID/comm.</param>
/// <param name="InGroup">True when it is still in the plugin's process group; false when it left it (setsid).</param>
internal readonly record struct LeftoverProcess(int Pid, string Command, bool InGroup)
{
    public override string ToString() => $"pid {Pid} ({Command}){(InGroup ? " in its process group" : ", which left its process group")}";
}

/// <summary>Finds and ends the processes a plugin left behind, by reading /proc.</summary>
/// <remarks>
/// A zombie does not count: it has ended, and only waits for a parent to reap it. A descendant is found by its process
/// group, and, if it left the group, by an environment variable the suite gives the plugin (children inherit it).
/// </remarks>
internal static class LeftoverProcesses
{
    /// <summary>Live processes of process group <paramref name="group"/>, or whose environment holds <paramref name="marker"/> (NAME=value).</summary>
    /// <param name="group">A plugin's process group (its pid), or null to find by the marker alone.</param>
    /// <param name="marker">The NAME=value the suite put in the plugin's environment.</param>
    public static IReadOnlyList<LeftoverProcess> Find(int? group, string marker)
    {
        var found = new List<LeftoverProcess>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            // pid 1 and the kernel's threads (process group 0) are never a plugin's, whatever they carry.
            if (pid == 1 || ReadGroup(pid) is not { } processGroup || processGroup <= 0)
            {
                continue;
            }

            var inGroup = group is > 1 && processGroup == group;
            if (inGroup || HasMarker(pid, marker))
            {
                found.Add(new LeftoverProcess(pid, PipeHolders.CommandOf(pid), inGroup));
            }
        }

        return found;
    }

    /// <summary>"pid 4300 (sleep) in its process group, ...", the first few of <paramref name="leftovers"/>.</summary>
    public static string Describe(IReadOnlyList<LeftoverProcess> leftovers) => leftovers.Count <= 3
        ? string.Join(", ", leftovers)
        : $"{string.Join(", ", leftovers.Take(3))} and {leftovers.Count - 3} more";

    /// <summary>Waits up to <paramref name="patience"/> for every process of <see cref="Find"/> to end; returns those that did not.</summary>
    public static async Task<IReadOnlyList<LeftoverProcess>> WaitAsync(int? group, string marker, TimeSpan patience)
    {
        var until = DateTime.UtcNow + patience;
        while (true)
        {
            var left = Find(group, marker);
            if (left.Count == 0 || DateTime.UtcNow >= until)
            {
                return left;
            }

            await Task.Delay(20).ConfigureAwait(false);
        }
    }

    /// <summary>SIGKILLs every process that carries <paramref name="marker"/>: nothing the suite started may outlive it.</summary>
    public static void KillMarked(string marker)
    {
        foreach (var leftover in Find(null, marker))
        {
            // Checked again just before the signal, so a pid reused since the scan is spared.
            if (HasMarker(leftover.Pid, marker))
            {
                _ = LibC.Kill(leftover.Pid, LibC.SigKill);
            }
        }
    }

    /// <summary>The process group of a live process; null for a zombie or a process that is gone.</summary>
    private static int? ReadGroup(int pid)
    {
        try
        {
            // "pid (comm) state ppid pgrp ...": comm may hold spaces and parentheses, so read after the last ')'.
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return fields[0] is "Z" or "X" ? null : int.Parse(fields[2], CultureInfo.InvariantCulture);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static bool HasMarker(int pid, string marker)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/environ").Split('\0').Contains(marker, StringComparer.Ordinal);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
