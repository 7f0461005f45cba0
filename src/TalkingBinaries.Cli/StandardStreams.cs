using System.Runtime.InteropServices;

namespace TalkingBinaries.Cli;

/// <summary>tb's stdout and stderr, written with write(2) on descriptors 1 and 2, never through System.Console's streams.</summary>
/// <remarks>
/// On Unix, the first write through a Console stream initialises the terminal from terminfo, which switches it to
/// keypad mode (ESC[?1h ESC=) and nothing switches it back when tb exits (issue 10). A FileStream is no answer
/// either: over a regular file it writes at offsets of its own (pwrite) and never moves the descriptor's shared offset,
/// so in <c>{ tb run; echo done; } &gt; log</c> the shell's next line overwrote the start of tb's output. write(2)
/// writes where the descriptor stands, as any program writing to a shared stdout must.
/// </remarks>
internal static partial class StandardStreams
{
    private const int Eintr = 4;
    private const int Eagain = 11;

    public static Stream Output() => new DescriptorStream(1);

    public static Stream Error() => new DescriptorStream(2);

    /// <summary>A stream writing to a descriptor received from a tb server client; once it is closed, writing throws <see cref="IOException"/>.</summary>
    public static Stream Of(ServedDescriptor descriptor) => new DescriptorStream(descriptor.Number, descriptor);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static unsafe partial nint Write(int descriptor, byte* buffer, nuint count);

    /// <summary>A write-only stream over a descriptor this process does not own; a failed write throws <see cref="IOException"/>.</summary>
    private sealed class DescriptorStream(int descriptor, ServedDescriptor? served = null) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (served is null)
            {
                WriteAll(buffer);
                return;
            }

            // Never after the descriptor is closed: its number may by then belong to another client's stream.
            lock (served.Gate)
            {
                if (served.Closed)
                {
                    throw new IOException($"the output of this run is closed");
                }

                WriteAll(buffer);
            }
        }

        private unsafe void WriteAll(ReadOnlySpan<byte> buffer)
        {
            fixed (byte* start = buffer)
            {
                var written = 0;
                while (written < buffer.Length)
                {
                    var result = StandardStreams.Write(descriptor, start + written, (nuint)(buffer.Length - written));
                    if (result >= 0)
                    {
                        written += (int)result;
                        continue;
                    }

                    var error = Marshal.GetLastPInvokeError();
                    if (error == Eintr)
                    {
                        continue;
                    }

                    if (error == Eagain)
                    {
                        // A non-blocking descriptor someone else set up: wait for room rather than lose output.
                        Thread.Sleep(1);
                        continue;
                    }

                    throw new IOException($"cannot write to descriptor {descriptor}: {Marshal.GetPInvokeErrorMessage(error)}");
                }
            }
        }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
