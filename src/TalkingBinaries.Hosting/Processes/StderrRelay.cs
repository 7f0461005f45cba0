using System.Text;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Framing;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting.Processes;

/// <summary>Relays a child's stderr line by line, as it arrives, until end of stream or abandonment.</summary>
internal static class StderrRelay
{
    public static Task RunAsync(ChildProcess child, string name, Action<PluginEvent> raise, CancellationToken abandon) =>
        ReaderThread.Start(
            $"stderr {child.Pid}",
            () =>
            {
                var reader = new NewLineDelimitedReader(child.StandardError, ProtocolLimits.MaxLogLineBytes);
                try
                {
                    while (!abandon.IsCancellationRequested && reader.ReadLine() is { } chunk)
                    {
                        raise(new PluginLogEvent(name, child.Pid, null, DateTimeOffset.UtcNow, PluginLogSource.Stderr, LogLevels.Info, Encoding.UTF8.GetString(chunk.Bytes.Span)));
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
}
