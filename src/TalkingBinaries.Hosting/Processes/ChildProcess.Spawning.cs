using System.Diagnostics;
using System.IO.Pipes;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace TalkingBinaries.Hosting.Processes;

/// <summary>Spawning: posix_spawn into a new process group, with the three standard streams piped.</summary>
internal sealed partial class ChildProcess
{
    /// <summary>Starts <paramref name="path"/>; throws <see cref="IOException"/> with the reason when it cannot.</summary>
    public static unsafe ChildProcess Start(string path, IReadOnlyList<string> arguments, IEnumerable<KeyValuePair<string, string>> environment, string? workingDirectory)
    {
        var input = stackalloc int[2];
        var output = stackalloc int[2];
        var errors = stackalloc int[2];
        CreatePipe(input);
        CreatePipe(output);
        CreatePipe(errors);

        var strings = new List<nint>();
        var fileActions = NativeMemory.AllocZeroed(LibC.SpawnFileActionsSize);
        var attributes = NativeMemory.AllocZeroed(LibC.SpawnAttrSize);
        var signals = NativeMemory.AllocZeroed(LibC.SigSetSize);
        var argv = AllocateStringArray([path, .. arguments], strings);
        var envp = AllocateStringArray(environment.Select(pair => $"{pair.Key}={pair.Value}").ToList(), strings);
        try
        {
            Check(LibC.FileActionsInit(fileActions), "posix_spawn_file_actions_init");
            Check(LibC.FileActionsAddDup2(fileActions, input[0], 0), "adddup2");
            Check(LibC.FileActionsAddDup2(fileActions, output[1], 1), "adddup2");
            Check(LibC.FileActionsAddDup2(fileActions, errors[1], 2), "adddup2");
            if (workingDirectory is not null)
            {
                Check(LibC.FileActionsAddChdir(fileActions, Utf8(workingDirectory, strings)), "addchdir");
            }

            Check(LibC.AttrInit(attributes), "posix_spawnattr_init");
            Check(LibC.AttrSetFlags(attributes, LibC.PosixSpawnSetPgroup | LibC.PosixSpawnSetSigDef | LibC.PosixSpawnSetSigMask), "setflags");
            Check(LibC.AttrSetPgroup(attributes, 0), "setpgroup");

            // The runtime ignores SIGPIPE and blocks signals on some threads; a child must start with the defaults.
            _ = LibC.SigFillSet(signals);
            Check(LibC.AttrSetSigDefault(attributes, signals), "setsigdefault");
            _ = LibC.SigEmptySet(signals);
            Check(LibC.AttrSetSigMask(attributes, signals), "setsigmask");

            int pid;
            var started = Stopwatch.GetTimestamp();
            var error = LibC.PosixSpawn(&pid, (byte*)argv[0], fileActions, attributes, argv, envp);
            if (error != 0)
            {
                CloseAll(input, output, errors);
                throw new IOException($"could not start {path}: {LibC.Describe(error)}");
            }

            LibC.Close(input[0]);
            LibC.Close(output[1]);
            LibC.Close(errors[1]);
            var child = new ChildProcess(
                pid,
                OpenPipe(input[1], PipeDirection.Out),
                OpenPipe(output[0], PipeDirection.In),
                OpenPipe(errors[0], PipeDirection.In),
                started);
            child.StartExitWatcher();
            return child;
        }
        finally
        {
            _ = LibC.FileActionsDestroy(fileActions);
            _ = LibC.AttrDestroy(attributes);
            NativeMemory.Free(fileActions);
            NativeMemory.Free(attributes);
            NativeMemory.Free(signals);
            NativeMemory.Free(argv);
            NativeMemory.Free(envp);
            foreach (var pointer in strings)
            {
                Marshal.FreeCoTaskMem(pointer);
            }
        }
    }

    private static unsafe void CreatePipe(int* descriptors)
    {
        if (LibC.Pipe2(descriptors, LibC.OCloExec) != 0)
        {
            throw new IOException($"could not create a pipe: {LibC.Describe(Marshal.GetLastPInvokeError())}");
        }
    }

    private static AnonymousPipeClientStream OpenPipe(int descriptor, PipeDirection direction) =>
        new(direction, new SafePipeHandle(descriptor, ownsHandle: true));

    private static unsafe void CloseAll(int* input, int* output, int* errors)
    {
        foreach (var descriptor in new[] { input[0], input[1], output[0], output[1], errors[0], errors[1] })
        {
            LibC.Close(descriptor);
        }
    }

    private static void Check(int result, string call)
    {
        if (result != 0)
        {
            throw new IOException($"{call} failed: {LibC.Describe(result)}");
        }
    }

    private static unsafe byte* Utf8(string text, List<nint> strings)
    {
        var pointer = Marshal.StringToCoTaskMemUTF8(text);
        strings.Add(pointer);
        return (byte*)pointer;
    }

    private static unsafe byte** AllocateStringArray(List<string> items, List<nint> strings)
    {
        var array = (byte**)NativeMemory.AllocZeroed((nuint)(items.Count + 1), (nuint)sizeof(nint));
        for (var i = 0; i < items.Count; i++)
        {
            array[i] = Utf8(items[i], strings);
        }

        return array;
    }
}
