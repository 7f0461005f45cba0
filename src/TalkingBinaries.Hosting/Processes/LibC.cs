using System.Runtime.InteropServices;

namespace TalkingBinaries.Hosting.Processes;

/// <summary>The few libc calls .NET's Process class does not offer: spawning into a new process group, and signalling it.</summary>
internal static unsafe partial class LibC
{
    public const int SigTerm = 15;
    public const int SigKill = 9;
    public const int SigInt = 2;

    public const short PosixSpawnSetPgroup = 0x02;
    public const short PosixSpawnSetSigDef = 0x04;
    public const short PosixSpawnSetSigMask = 0x08;

    public const int OCloExec = 0x80000;

    public const int Eintr = 4;
    public const int Esrch = 3;

    // glibc's opaque structures are smaller than these on every architecture it supports; over-allocating is harmless.
    public const int SpawnFileActionsSize = 256;
    public const int SpawnAttrSize = 512;
    public const int SigSetSize = 128;
    public const int SigInfoSize = 128;

    public const int PPid = 1;
    public const int WExited = 4;
    public const int WNoWait = 0x01000000;

    private const string Library = "libc";

    [LibraryImport(Library, EntryPoint = "pipe2", SetLastError = true)]
    public static partial int Pipe2(int* descriptors, int flags);

    [LibraryImport(Library, EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int descriptor);

    [LibraryImport(Library, EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    [LibraryImport(Library, EntryPoint = "open", SetLastError = true)]
    public static partial int Open(byte* path, int flags);

    [LibraryImport(Library, EntryPoint = "read", SetLastError = true)]
    public static partial nint Read(int descriptor, byte* buffer, nuint count);

    [LibraryImport(Library, EntryPoint = "waitpid", SetLastError = true)]
    public static partial int WaitPid(int pid, int* status, int options);

    [LibraryImport(Library, EntryPoint = "waitid", SetLastError = true)]
    public static partial int WaitId(int idType, int id, void* info, int options);

    [LibraryImport(Library, EntryPoint = "posix_spawn", SetLastError = true)]
    public static partial int PosixSpawn(int* pid, byte* path, void* fileActions, void* attributes, byte** argv, byte** envp);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_init")]
    public static partial int FileActionsInit(void* fileActions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_destroy")]
    public static partial int FileActionsDestroy(void* fileActions);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_adddup2")]
    public static partial int FileActionsAddDup2(void* fileActions, int descriptor, int newDescriptor);

    [LibraryImport(Library, EntryPoint = "posix_spawn_file_actions_addchdir_np")]
    public static partial int FileActionsAddChdir(void* fileActions, byte* path);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_init")]
    public static partial int AttrInit(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_destroy")]
    public static partial int AttrDestroy(void* attributes);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setflags")]
    public static partial int AttrSetFlags(void* attributes, short flags);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setpgroup")]
    public static partial int AttrSetPgroup(void* attributes, int processGroup);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigdefault")]
    public static partial int AttrSetSigDefault(void* attributes, void* signals);

    [LibraryImport(Library, EntryPoint = "posix_spawnattr_setsigmask")]
    public static partial int AttrSetSigMask(void* attributes, void* signals);

    [LibraryImport(Library, EntryPoint = "sigemptyset")]
    public static partial int SigEmptySet(void* signals);

    [LibraryImport(Library, EntryPoint = "sigfillset")]
    public static partial int SigFillSet(void* signals);

    [LibraryImport(Library, EntryPoint = "sigdelset")]
    public static partial int SigDelSet(void* signals, int signal);

    // pidfd_open and pidfd_send_signal have the same number on every Linux architecture (new syscalls are numbered alike).
    private const long SysPidfdSendSignal = 424;
    private const long SysPidfdOpen = 434;

    [LibraryImport(Library, EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, long first, long second, long third, long fourth);

    /// <summary>A descriptor that refers to the process <paramref name="pid"/> as long as it is open; -1 on error.</summary>
    public static int PidfdOpen(int pid) => (int)Syscall(SysPidfdOpen, pid, 0, 0, 0);

    /// <summary>Sends <paramref name="signal"/> to the process a pidfd refers to; never to a process that reused its pid.</summary>
    public static int PidfdSendSignal(int pidfd, int signal) => (int)Syscall(SysPidfdSendSignal, pidfd, signal, 0, 0);

    [LibraryImport(Library, EntryPoint = "ioctl", SetLastError = true)]
    private static partial int Ioctl(int descriptor, nuint request, int* value);

    /// <summary>How many bytes wait to be read from a pipe (FIONREAD); -1 when that cannot be told.</summary>
    public static int BytesWaiting(int descriptor)
    {
        const nuint FionRead = 0x541B;
        int waiting;
        return descriptor >= 0 && Ioctl(descriptor, FionRead, &waiting) == 0 ? waiting : -1;
    }

    [LibraryImport(Library, EntryPoint = "strerror")]
    public static partial byte* StrError(int error);

    public static string Describe(int error) => Marshal.PtrToStringUTF8((nint)StrError(error)) ?? $"errno {error}";
}
