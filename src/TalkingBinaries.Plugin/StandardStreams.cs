using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TalkingBinaries.Plugin;

/// <summary>The plugin's protocol streams, taken off file descriptors 0 and 1 so nothing else can write to them.</summary>
/// <remarks>
/// On Unix the protocol moves to private close-on-exec descriptors; fd 1 then points at stderr and fd 0 at
/// /dev/null. A stray print to standard output, a native library or a child process can therefore neither corrupt
/// the protocol stream nor steal its input, and children do not keep the host's pipes open
/// (docs/protocol.md, "Standard streams").
/// </remarks>
internal static partial class StandardStreams
{
    private const int LinuxFDupFdCloExec = 1030;
    private const int MacFDupFdCloExec = 67;
    private const int OReadOnly = 0;

    public static (Stream Input, Stream Output, Stream Errors) Take()
    {
        var errors = Open(2, FileAccess.Write, ownsHandle: false);
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return (Open(0, FileAccess.Read, ownsHandle: false), Open(1, FileAccess.Write, ownsHandle: false), errors);
        }

        var duplicate = OperatingSystem.IsMacOS() ? MacFDupFdCloExec : LinuxFDupFdCloExec;
        var input = Fcntl(0, duplicate, 3);
        var output = Fcntl(1, duplicate, 3);
        if (input < 0 || output < 0)
        {
            return (Open(0, FileAccess.Read, ownsHandle: false), Open(1, FileAccess.Write, ownsHandle: false), errors);
        }

        _ = Dup2(2, 1);
        var devNull = OpenFile("/dev/null", OReadOnly);
        if (devNull >= 0)
        {
            _ = Dup2(devNull, 0);
            _ = Close(devNull);
        }

        return (Open(input, FileAccess.Read, ownsHandle: true), Open(output, FileAccess.Write, ownsHandle: true), errors);
    }

    private static FileStream Open(int descriptor, FileAccess access, bool ownsHandle) =>
        new(new SafeFileHandle(descriptor, ownsHandle), access, bufferSize: 0);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int descriptor, int command, int argument);

    [LibraryImport("libc", EntryPoint = "dup2", SetLastError = true)]
    private static partial int Dup2(int oldDescriptor, int newDescriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenFile(string path, int flags);
}
