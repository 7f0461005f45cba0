using System.Text;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Framing;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Hosting.Processes;

/// <summary>Relays a child's stderr line by line, as it arrives, until end of stream or abandonment.</summary>
internal static class StderrRelay
{
    public static Task RunAsync(ChildProcess child, string name, Action<PluginEvent> raise, CancellationToken abandon) =>
        Task.Run(async () =>
        {
            var reader = new NewLineDelimitedReader(child.StandardError, ProtocolLimits.MaxLogLineBytes);
            try
            {
                while (await reader.ReadLineAsync(abandon).ConfigureAwait(false) is { } chunk)
                {
                    raise(new PluginLogEvent(name, child.Pid, null, DateTimeOffset.UtcNow, PluginLogSource.Stderr, LogLevels.Info, Encoding.UTF8.GetString(chunk.Bytes.Span)));
                }
            }
            catch (OperationCanceledException)
            {
                // Abandoned after the drain timeout: a process outside the group still holds the pipe.
            }
            catch (IOException)
            {
                // The pipe broke; everything that was written has been read.
            }
        }, CancellationToken.None);
}
