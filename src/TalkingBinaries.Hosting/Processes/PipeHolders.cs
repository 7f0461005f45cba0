using System.Runtime.InteropServices;

namespace TalkingBinaries.Hosting.Processes;

/// <summary>Finds the processes that hold a pipe open, through <c>/proc/PID/fd</c>, and kills them without hitting a reused pid.</summary>
/// <remarks>
/// A descendant that calls <c>setsid()</c> leaves the plugin's process group, so signalling the group misses it; if it
/// kept the plugin's stdout or stderr, the host would never read end of stream. Whoever holds our pipe is found by
/// the pipe's inode (docs/hosting.md, "Stopping a plugin"). Only processes of our own user can be seen.
/// </remarks>
internal static class PipeHolders
{
    /// <summary>The <c>pipe:[inode]</c> name of our descriptor <paramref name="descriptor"/>; null when it is not a pipe.</summary>
    public static string? NameOf(int descriptor)
    {
        if (descriptor < 0)
        {
            return null;
        }

        try
        {
            var target = new FileInfo($"/proc/self/fd/{descriptor}").LinkTarget;
            return target is not null && target.StartsWith("pipe:", StringComparison.Ordinal) ? target : null;
        }
        catch (IOException)
        {
            return null;
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Every other process with a descriptor on one of <paramref name="pipes"/>, in pid order.</summary>
    public static IReadOnlyList<int> Find(IReadOnlyCollection<string> pipes)
    {
        var found = new SortedSet<int>();
        if (pipes.Count == 0)
        {
            return [];
        }

        IEnumerable<string> directories;
        try
        {
            directories = Directory.EnumerateDirectories("/proc");
        }
        catch (IOException)
        {
            return [];
        }

        foreach (var directory in directories)
        {
            if (int.TryParse(Path.GetFileName(directory), out var pid) && pid != Environment.ProcessId && Holds(pid, pipes))
            {
                found.Add(pid);
            }
        }

        return [.. found];
    }

    /// <summary>The process's command name, for a message; "?" when it cannot be read.</summary>
    public static string CommandOf(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/comm").TrimEnd('\n');
        }
        catch (IOException)
        {
            return "?";
        }
        catch (UnauthorizedAccessException)
        {
            return "?";
        }
    }

    /// <summary>SIGKILLs <paramref name="pid"/> if it still holds one of <paramref name="pipes"/>; null on success, else why not.</summary>
    /// <remarks>
    /// Through a pidfd: once it is open the pid cannot be reused under us, and checking the pipe after opening it
    /// proves the pidfd is the holder's, not a newcomer's with the same pid.
    /// </remarks>
    public static string? Kill(int pid, IReadOnlyCollection<string> pipes)
    {
        var pidfd = LibC.PidfdOpen(pid);
        if (pidfd < 0)
        {
            var error = Marshal.GetLastPInvokeError();
            return error == LibC.Esrch ? null : LibC.Describe(error);
        }

        try
        {
            if (!Holds(pid, pipes))
            {
                return null;
            }

            return LibC.PidfdSendSignal(pidfd, LibC.SigKill) == 0 ? null : LibC.Describe(Marshal.GetLastPInvokeError());
        }
        finally
        {
            LibC.Close(pidfd);
        }
    }

    private static bool Holds(int pid, IReadOnlyCollection<string> pipes)
    {
        try
        {
            foreach (var link in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
            {
                if (new FileInfo(link).LinkTarget is { } target && pipes.Contains(target))
                {
                    return true;
                }
            }
        }
        catch (IOException)
        {
            // Gone, or a descriptor closed while we looked.
        }
        catch (UnauthorizedAccessException)
        {
            // Another user's process: it cannot hold our pipes unless given them, and we could not kill it anyway.
        }

        return false;
    }
}
