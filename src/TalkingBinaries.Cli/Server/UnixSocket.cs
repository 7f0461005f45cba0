using System.Runtime.InteropServices;
using System.Text;

namespace TalkingBinaries.Cli;

/// <summary>A Unix domain stream socket through libc: descriptors passed with SCM_RIGHTS and the peer's uid, which .NET's sockets do not offer.</summary>
/// <remarks>Blocking calls only: the client waits on one socket, and the server gives each connection a thread of its own.</remarks>
internal sealed partial class UnixSocket : IDisposable
{
    private const int AddressFamilyUnix = 1;
    private const int StreamSocket = 1;
    private const int CloseOnExec = 0x80000;
    private const int SocketLevel = 1;
    private const int PeerCredentials = 17;
    private const int Rights = 1;
    private const int NoSignal = 0x4000;
    private const int ReceivedCloseOnExec = 0x40000000;
    private const int Interrupted = 4;
    private const int MaxDescriptors = 4;

    private UnixSocket(int descriptor)
    {
        Descriptor = descriptor;
    }

    public int Descriptor { get; private set; }

    /// <summary>Connects to the socket at <paramref name="path"/>; null when nothing listens there (no file, or a stale one).</summary>
    public static UnixSocket? Connect(string path)
    {
        var descriptor = Open();
        var address = Address(path);
        if (LibC.Connect(descriptor, ref address, (uint)Marshal.SizeOf<SocketAddress>()) == 0)
        {
            return new UnixSocket(descriptor);
        }

        LibC.Close(descriptor);
        return null;
    }

    /// <summary>Listens at <paramref name="path"/>, which only this user may use (mode 0600).</summary>
    /// <exception cref="IOException">It cannot (the path is taken, or the directory is not writable).</exception>
    public static UnixSocket Listen(string path)
    {
        var descriptor = Open();
        var address = Address(path);

        // Created 0600 from the start: between bind and chmod, another user could otherwise connect.
        var mask = LibC.Umask(0x3F);
        var bound = LibC.Bind(descriptor, ref address, (uint)Marshal.SizeOf<SocketAddress>());
        var error = Marshal.GetLastPInvokeError();
        _ = LibC.Umask(mask);
        if (bound != 0 || LibC.Listen(descriptor, 64) != 0)
        {
            error = bound != 0 ? error : Marshal.GetLastPInvokeError();
            LibC.Close(descriptor);
            throw new IOException($"cannot listen at {path}: {Marshal.GetPInvokeErrorMessage(error)}");
        }

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return new UnixSocket(descriptor);
    }

    /// <summary>The next connection; null once the socket is closed.</summary>
    public UnixSocket? Accept()
    {
        while (true)
        {
            var descriptor = LibC.Accept(Descriptor, 0, 0, CloseOnExec);
            if (descriptor >= 0)
            {
                return new UnixSocket(descriptor);
            }

            if (Marshal.GetLastPInvokeError() != Interrupted)
            {
                return null;
            }
        }
    }

    /// <summary>The uid of the process at the other end.</summary>
    public unsafe uint PeerUid()
    {
        Credentials credentials;
        var size = (uint)sizeof(Credentials);
        return LibC.GetSocketOption(Descriptor, SocketLevel, PeerCredentials, &credentials, &size) == 0 ? credentials.Uid : uint.MaxValue;
    }

    /// <summary>The pid of the process at the other end.</summary>
    public unsafe int PeerPid()
    {
        Credentials credentials;
        var size = (uint)sizeof(Credentials);
        return LibC.GetSocketOption(Descriptor, SocketLevel, PeerCredentials, &credentials, &size) == 0 ? credentials.Pid : 0;
    }

    /// <summary>Sends <paramref name="bytes"/>, with <paramref name="descriptors"/> attached to their first byte.</summary>
    public unsafe void Send(ReadOnlySpan<byte> bytes, ReadOnlySpan<int> descriptors = default)
    {
        var control = stackalloc byte[ControlSpace];
        var sent = 0;
        fixed (byte* start = bytes)
        {
            while (sent < bytes.Length)
            {
                var vector = new IoVector { Base = start + sent, Length = (nuint)(bytes.Length - sent) };
                var message = new MessageHeader { Vector = &vector, VectorLength = 1 };
                if (sent == 0 && descriptors.Length > 0)
                {
                    var header = (ControlHeader*)control;
                    header->Length = (nuint)(sizeof(ControlHeader) + (descriptors.Length * sizeof(int)));
                    header->Level = SocketLevel;
                    header->Type = Rights;
                    descriptors.CopyTo(new Span<int>(control + sizeof(ControlHeader), descriptors.Length));
                    message.Control = control;
                    message.ControlLength = (nuint)ControlSpace;
                }

                var result = LibC.SendMessage(Descriptor, &message, NoSignal);
                if (result < 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error == Interrupted)
                    {
                        continue;
                    }

                    throw new IOException(Marshal.GetPInvokeErrorMessage(error));
                }

                sent += (int)result;
            }
        }
    }

    /// <summary>Reads up to <paramref name="buffer"/>'s length; 0 at the end. Descriptors that came along are added to <paramref name="received"/> (close-on-exec).</summary>
    public unsafe int Receive(Span<byte> buffer, List<int>? received = null)
    {
        var control = stackalloc byte[ControlSpace];
        fixed (byte* start = buffer)
        {
            while (true)
            {
                var vector = new IoVector { Base = start, Length = (nuint)buffer.Length };
                var message = new MessageHeader { Vector = &vector, VectorLength = 1, Control = control, ControlLength = (nuint)ControlSpace };
                var result = LibC.ReceiveMessage(Descriptor, &message, ReceivedCloseOnExec);
                if (result < 0)
                {
                    var error = Marshal.GetLastPInvokeError();
                    if (error == Interrupted)
                    {
                        continue;
                    }

                    throw new IOException(Marshal.GetPInvokeErrorMessage(error));
                }

                if (message.ControlLength >= (nuint)sizeof(ControlHeader))
                {
                    var header = (ControlHeader*)control;
                    if (header->Level == SocketLevel && header->Type == Rights)
                    {
                        var count = ((int)header->Length - sizeof(ControlHeader)) / sizeof(int);
                        for (var index = 0; index < count; index++)
                        {
                            var descriptor = ((int*)(control + sizeof(ControlHeader)))[index];
                            if (received is null)
                            {
                                LibC.Close(descriptor);
                            }
                            else
                            {
                                received.Add(descriptor);
                            }
                        }
                    }
                }

                return (int)result;
            }
        }
    }

    /// <summary>Closes a descriptor received with <see cref="Receive"/>.</summary>
    public static void Close(int descriptor) => LibC.Close(descriptor);

    /// <summary>Ends both directions, so a thread blocked reading this socket returns.</summary>
    public void Shutdown() => LibC.Shutdown(Descriptor, 2);

    public void Dispose()
    {
        if (Descriptor >= 0)
        {
            LibC.Close(Descriptor);
            Descriptor = -1;
        }
    }

    private static unsafe int ControlSpace => sizeof(ControlHeader) + (MaxDescriptors * sizeof(int));

    private static int Open()
    {
        var descriptor = LibC.Socket(AddressFamilyUnix, StreamSocket | CloseOnExec, 0);
        return descriptor >= 0 ? descriptor : throw new IOException($"cannot make a Unix socket: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}");
    }

    private static unsafe SocketAddress Address(string path)
    {
        var address = new SocketAddress { Family = AddressFamilyUnix };
        var bytes = Encoding.UTF8.GetBytes(path);
        if (bytes.Length >= 108)
        {
            throw new IOException($"the socket path {path} is longer than a Unix socket allows (107 bytes); set XDG_RUNTIME_DIR to a shorter directory");
        }

        bytes.CopyTo(new Span<byte>(address.Path, 108));
        return address;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct SocketAddress
    {
        public ushort Family;
        public fixed byte Path[108];
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Credentials
    {
        public int Pid;
        public uint Uid;
        public uint Gid;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct IoVector
    {
        public byte* Base;
        public nuint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private unsafe struct MessageHeader
    {
        public void* Name;
        public uint NameLength;
        public IoVector* Vector;
        public nuint VectorLength;
        public void* Control;
        public nuint ControlLength;
        public int Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct ControlHeader
    {
        public nuint Length;
        public int Level;
        public int Type;
    }

    private static unsafe partial class LibC
    {
        [LibraryImport("libc", EntryPoint = "socket", SetLastError = true)]
        public static partial int Socket(int domain, int type, int protocol);

        [LibraryImport("libc", EntryPoint = "connect", SetLastError = true)]
        public static partial int Connect(int descriptor, ref SocketAddress address, uint length);

        [LibraryImport("libc", EntryPoint = "bind", SetLastError = true)]
        public static partial int Bind(int descriptor, ref SocketAddress address, uint length);

        [LibraryImport("libc", EntryPoint = "listen", SetLastError = true)]
        public static partial int Listen(int descriptor, int backlog);

        [LibraryImport("libc", EntryPoint = "accept4", SetLastError = true)]
        public static partial int Accept(int descriptor, nint address, nint length, int flags);

        [LibraryImport("libc", EntryPoint = "getsockopt", SetLastError = true)]
        public static partial int GetSocketOption(int descriptor, int level, int name, void* value, uint* length);

        [LibraryImport("libc", EntryPoint = "sendmsg", SetLastError = true)]
        public static partial nint SendMessage(int descriptor, MessageHeader* message, int flags);

        [LibraryImport("libc", EntryPoint = "recvmsg", SetLastError = true)]
        public static partial nint ReceiveMessage(int descriptor, MessageHeader* message, int flags);

        [LibraryImport("libc", EntryPoint = "shutdown", SetLastError = true)]
        public static partial int Shutdown(int descriptor, int how);

        [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
        public static partial int Close(int descriptor);

        [LibraryImport("libc", EntryPoint = "umask")]
        public static partial uint Umask(uint mask);
    }
}
