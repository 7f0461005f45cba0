namespace TalkingBinaries.Tests;

/// <summary>Facts about processes, read from /proc, for asserting that none is left behind.</summary>
internal static class ProcessTable
{
    /// <summary>True while a process with this PID exists and is not a zombie.</summary>
    public static bool IsAlive(int pid)
    {
        var status = $"/proc/{pid}/stat";
        if (!File.Exists(status))
        {
            return false;
        }

        try
        {
            var text = File.ReadAllText(status);
            var state = text[(text.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Waits up to <paramref name="seconds"/> for every PID to be gone; returns the survivors.</summary>
    public static async Task<IReadOnlyList<int>> SurvivorsAsync(IEnumerable<int> pids, int seconds = 5)
    {
        var list = pids.ToList();
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var alive = list.Where(IsAlive).ToList();
            if (alive.Count == 0 || DateTime.UtcNow > until)
            {
                return alive;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>PIDs of live processes whose environment contains <paramref name="variable"/> (NAME=value).</summary>
    public static IReadOnlyList<int> WithEnvironment(string variable)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var environment = File.ReadAllText(Path.Combine(directory, "environ")).Split('\0');
                if (environment.Contains(variable) && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }

    /// <summary>Waits up to <paramref name="seconds"/> for every process carrying <paramref name="variable"/> to be gone; returns the survivors.</summary>
    public static async Task<IReadOnlyList<int>> SurvivorsWithEnvironmentAsync(string variable, int seconds = 5)
    {
        var until = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var alive = WithEnvironment(variable);
            if (alive.Count == 0 || DateTime.UtcNow > until)
            {
                return alive;
            }

            await Task.Delay(20);
        }
    }

    /// <summary>PIDs of live processes whose command line contains <paramref name="marker"/>.</summary>
    public static IReadOnlyList<int> WithCommandLineContaining(string marker)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(marker, StringComparison.Ordinal) && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }

        return found;
    }
}
