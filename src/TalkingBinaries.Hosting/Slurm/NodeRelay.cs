using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.Win32.SafeHandles;
using TalkingBinaries.Hosting.Processes;

namespace TalkingBinaries.Hosting.Slurm;

/// <summary>The node's end of a relay: starts the plugin, connects back to the host, and carries the plugin's stdin and stdout over that socket.</summary>
/// <remarks>
/// Runs as srun's task (<c>tb relay ENDPOINT -- plugin args</c>, the token in <see cref="TokenVariable"/>). The plugin's stderr goes to the relay's own,
/// which srun carries to the host live. The relay exits with the plugin's exit code (128 + the signal for a signal).
/// </remarks>
public static class NodeRelay
{
    /// <summary>The environment variable that carries the relay's token from the host (never the command line, which <c>ps</c> shows).</summary>
    public const string TokenVariable = "TB_RELAY_TOKEN";

    /// <summary>How long the relay tries to reach the host before it gives up (and the plugin's start fails with its reason).</summary>
    public static readonly TimeSpan ConnectTimeout = TimeSpan.FromSeconds(30);

    /// <summary>Relays until the plugin exits; returns the exit code to exit with.</summary>
    /// <exception cref="IOException">The host cannot be reached, or the plugin cannot be started.</exception>
    public static async Task<int> RunAsync(string endpoint, string executable, IReadOnlyList<string> arguments)
    {
        var token = System.Environment.GetEnvironmentVariable(TokenVariable) ?? throw new IOException($"{TokenVariable} is not set; the relay is started by a host, through srun");
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(arguments);
        if (!IPEndPoint.TryParse(endpoint, out var host))
        {
            throw new IOException($"'{endpoint}' is not an address:port to connect back to");
        }

        using var socket = new Socket(host.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using (var patience = new CancellationTokenSource(ConnectTimeout))
        {
            try
            {
                await socket.ConnectAsync(host, patience.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException exception)
            {
                throw new IOException($"no answer from {endpoint} within {ConnectTimeout.TotalSeconds:0} s; can this node reach the host (a firewall, or the host's name resolving to an address only it knows)?", exception);
            }
        }

        var hello = new Dictionary<string, string>
        {
            ["token"] = token,
            ["job"] = System.Environment.GetEnvironmentVariable("SLURM_JOB_ID") ?? string.Empty,
            ["step"] = System.Environment.GetEnvironmentVariable("SLURM_STEP_ID") ?? string.Empty,
            ["node"] = System.Environment.GetEnvironmentVariable("SLURMD_NODENAME") ?? Dns.GetHostName(),
        };
        await socket.SendAsync(Encoding.UTF8.GetBytes(Hello(hello) + "\n"), SocketFlags.None).ConfigureAwait(false);

        // The plugin gets the cookie from the relay itself, whatever the site's srun passes on (--export=NONE drops it).
        var environment = System.Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .Where(entry => (string)entry.Key != TokenVariable)
            .ToDictionary(entry => (string)entry.Key, entry => (string?)entry.Value ?? string.Empty, StringComparer.Ordinal);
        environment[Protocol.PluginCookie.Name] = Protocol.PluginCookie.Value;
        using var plugin = ChildProcess.Start(executable, arguments, environment, workingDirectory: null);
        using var standardError = new FileStream(new SafeFileHandle(2, ownsHandle: false), FileAccess.Write, 1);
        var toPlugin = PumpAsync(socket, plugin.StandardInput);
        var fromPlugin = PumpAsync(plugin.StandardOutput, socket);
        var logs = plugin.StandardError.CopyToAsync(standardError);
        var status = await plugin.Exited.ConfigureAwait(false);
        await Task.WhenAny(Task.WhenAll(fromPlugin, logs), Task.Delay(TimeSpan.FromSeconds(2))).ConfigureAwait(false);
        _ = toPlugin;
        return status.ShellCode;
    }

    private static string Hello(Dictionary<string, string> fields)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in fields)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>Host to plugin: at the host's end of input, the plugin's stdin is closed.</summary>
    private static async Task PumpAsync(Socket from, Stream to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReceiveAsync(buffer, SocketFlags.None).ConfigureAwait(false)) > 0)
            {
                await to.WriteAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
                await to.FlushAsync().ConfigureAwait(false);
            }
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
        {
            // The host went away or the plugin closed its stdin: either way, input is over.
        }
        finally
        {
            await to.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Plugin to host: at the plugin's end of output, the socket's sending side is shut.</summary>
    private static async Task PumpAsync(Stream from, Socket to)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            int read;
            while ((read = await from.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                var chunk = buffer.AsMemory(0, read);
                while (!chunk.IsEmpty)
                {
                    chunk = chunk[await to.SendAsync(chunk, SocketFlags.None).ConfigureAwait(false)..];
                }
            }

            to.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or IOException or ObjectDisposedException)
        {
            // The host went away: nothing more can reach it.
        }
    }
}
