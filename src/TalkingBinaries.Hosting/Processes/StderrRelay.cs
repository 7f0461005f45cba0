using System.IO.Pipes;
using System.Text;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Framing;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting.Processes;

/// <summary>Relays a child's stderr line by line, as it arrives, until end of stream or abandonment.</summary>
/// <remarks>
/// stderr and stdout are read on different threads, so a line a plugin writes to stderr just before answering a step
/// could be relayed after the answer, when the step is over. <see cref="CatchUpAsync"/> closes that gap: whatever the
/// plugin wrote to stderr before its answer is already in the pipe when the answer is read, so the host waits until
/// the relay has handled that much before it ends the step.
/// </remarks>
internal sealed class StderrRelay
{
    private readonly Lock _lock = new();
    private readonly int _descriptor;
    private long _read;
    private long _handled;
    private TaskCompletionSource? _progress;

    private StderrRelay(int descriptor) => _descriptor = descriptor;

    /// <summary>Completes at the end of the stream, or when abandoned.</summary>
    public Task Completion { get; private set; } = Task.CompletedTask;

    public static StderrRelay Start(ChildProcess child, string name, Action<PluginEvent> raise, CancellationToken abandon)
    {
        var relay = new StderrRelay(child.StandardError is PipeStream pipe ? (int)pipe.SafePipeHandle.DangerousGetHandle() : -1);
        relay.Completion = ReaderThread.Start(
            $"stderr {child.Pid}",
            () =>
            {
                var reader = new NewLineDelimitedReader(new Tally(child.StandardError, relay), ProtocolLimits.MaxLogLineBytes);
                try
                {
                    while (!abandon.IsCancellationRequested && reader.ReadLine() is { } chunk)
                    {
                        raise(new PluginLogEvent(name, child.Pid, null, DateTimeOffset.UtcNow, PluginLogSource.Stderr, LogLevels.Info, Encoding.UTF8.GetString(chunk.Bytes.Span)) { EndsLine = chunk.EndsLine });
                    }
                }
                catch (IOException)
                {
                    // The pipe broke; everything that was written has been read.
                }
                catch (ObjectDisposedException)
                {
                    // Abandoned and disposed while blocked.
                }
            },
            abandon);
        return relay;
    }

    /// <summary>Waits, up to <paramref name="patience"/>, until every line written to stderr so far has been relayed.</summary>
    /// <remarks>A line still without its end stays behind. Returns at once when nothing is waiting in the pipe.</remarks>
    public async Task CatchUpAsync(TimeSpan patience)
    {
        // What was read plus what waits in the pipe, taken when no read happened in between.
        long target;
        while (true)
        {
            var before = Volatile.Read(ref _read);
            var waiting = LibC.BytesWaiting(_descriptor);
            if (waiting < 0)
            {
                return;
            }

            if (Volatile.Read(ref _read) == before)
            {
                target = before + waiting;
                break;
            }
        }

        Task? deadline = null;
        while (!Completion.IsCompleted)
        {
            Task progress;
            lock (_lock)
            {
                if (_handled >= target)
                {
                    return;
                }

                progress = (_progress ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            deadline ??= Task.Delay(patience);
            if (await Task.WhenAny(progress, Completion, deadline).ConfigureAwait(false) == deadline)
            {
                return;
            }
        }
    }

    /// <summary>Called before each blocking read: the reader has relayed every whole line of what it read so far.</summary>
    private void Handled()
    {
        TaskCompletionSource? progress;
        lock (_lock)
        {
            _handled = _read;
            progress = _progress;
            _progress = null;
        }

        progress?.TrySetResult();
    }

    /// <summary>The stderr pipe, counting what is read from it.</summary>
    private sealed class Tally(Stream inner, StderrRelay relay) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            relay.Handled();
            var count = inner.Read(buffer);
            Interlocked.Add(ref relay._read, count);
            return count;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
