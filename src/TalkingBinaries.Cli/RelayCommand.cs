using System.Net.Sockets;
using TalkingBinaries.Hosting.Slurm;

namespace TalkingBinaries.Cli;

/// <summary><c>tb relay</c>: the node's end of a plugin run through Slurm (docs/cluster.md, "How a plugin runs on a node").</summary>
internal static class RelayCommand
{
    public static async Task<int> RunAsync(string endpoint, string plugin, IReadOnlyList<string> arguments)
    {
        try
        {
            return await NodeRelay.RunAsync(endpoint, plugin, arguments);
        }
        catch (Exception exception) when (exception is IOException or SocketException)
        {
            // srun carries this to the host, which shows it as the plugin's stderr.
            using var error = new StreamWriter(StandardStreams.Error()) { AutoFlush = true };
            await error.WriteLineAsync($"tb relay: cannot relay {plugin} to {endpoint}: {exception.Message}");
            return 2;
        }
    }
}
