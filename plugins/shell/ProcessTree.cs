using System.Globalization;

namespace TalkingBinaries.Plugins.Shell;

/// <summary>Kills a process and all its descendants, found by their parent PIDs in /proc.</summary>
internal static class ProcessTree
{
    /// <summary>Stops <paramref name="pid"/> so it starts no more children, finds its children, kills it, then does the same to each child.</summary>
    public static void Kill(int pid)
    {
        if (LibC.Kill(pid, LibC.SigStop) != 0)
        {
            return;
        }

        var children = ChildrenOf(pid);
        _ = LibC.Kill(pid, LibC.SigKill);
        foreach (var child in children)
        {
            Kill(child);
        }
    }

    private static List<int> ChildrenOf(int parent)
    {
        var children = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }

            string stat;
            try
            {
                stat = File.ReadAllText($"/proc/{pid}/stat");
            }
            catch (IOException)
            {
                // It exited while we looked.
                continue;
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }

            // "pid (comm) state ppid ...": the command name may hold spaces and parentheses, so count from its last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ', 3);
            if (fields.Length > 1 && int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var ppid) && ppid == parent)
            {
                children.Add(pid);
            }
        }

        return children;
    }
}
