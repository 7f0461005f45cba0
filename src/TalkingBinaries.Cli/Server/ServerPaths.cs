using System.Runtime.InteropServices;

namespace TalkingBinaries.Cli;

/// <summary>Where the tb server lives: a directory only this user may enter, with its socket, lock and log.</summary>
/// <remarks><c>$XDG_RUNTIME_DIR/tb</c>; without XDG_RUNTIME_DIR, <c>/tmp/tb-UID</c>. Either is made mode 0700 and refused if it is a symlink or others may enter it.</remarks>
internal static partial class ServerPaths
{
    public static string Directory { get; } = Find();

    public static string Socket => Path.Combine(Directory, "server.sock");

    public static string LockFile => Path.Combine(Directory, "server.lock");

    public static string Log => Path.Combine(Directory, "server.log");

    public static uint Uid => GetUid();

    /// <summary>Makes the directory if it is not there.</summary>
    /// <exception cref="IOException">It cannot be made, is a symlink, or other users may enter it.</exception>
    public static void Prepare()
    {
        if (OperatingSystem.IsWindows())
        {
            throw new IOException("the tb server needs Unix domain sockets with peer credentials; it runs on Linux");
        }

        try
        {
            System.IO.Directory.CreateDirectory(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        catch (UnauthorizedAccessException exception)
        {
            throw new IOException($"cannot make {Directory}: {exception.Message}", exception);
        }

        var info = new DirectoryInfo(Directory);
        if (info.LinkTarget is not null)
        {
            throw new IOException($"{Directory} is a symlink; remove it, and tb makes a directory of its own there");
        }

        if ((info.UnixFileMode & (UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute)) != 0)
        {
            throw new IOException($"{Directory} may be entered by other users; make it private (chmod 700) or remove it");
        }
    }

    private static string Find()
    {
        var runtime = Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR");
        return !string.IsNullOrEmpty(runtime) && Path.IsPathRooted(runtime)
            ? Path.Combine(runtime, "tb")
            : Path.Combine("/tmp", $"tb-{GetUid()}");
    }

    [LibraryImport("libc", EntryPoint = "getuid")]
    private static partial uint GetUid();
}
