using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using System.Text.Json;
using TalkingBinaries.Protocol;

namespace TalkingBinaries.Plugin.Tests;

/// <summary>
/// A plugin process driven over raw NDJSON, the way a host that may break the protocol would: the specs write the
/// exact lines and read back every message, with nothing in between that could smooth over what the plugin does.
/// </summary>
internal sealed class WirePlugin : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Stream _stdin;
    private readonly StreamReader _stdout;
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly List<JsonElement> _received = [];

    private WirePlugin(Process process)
    {
        _process = process;
        Pid = process.Id;
        _stdin = process.StandardInput.BaseStream;
        _stdout = process.StandardOutput;
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is { } text)
            {
                _stderr.Enqueue(text);
            }
        };
        process.BeginErrorReadLine();
    }

    public int Pid { get; }

    /// <summary>Every message read from stdout so far, in order.</summary>
    public IReadOnlyList<JsonElement> Received => _received;

    /// <summary>Every line the plugin wrote to stderr so far; all of them once <see cref="EndAsync"/> has returned.</summary>
    public IReadOnlyList<string> StderrLines => [.. _stderr];

    /// <summary>Starts <paramref name="executable"/> as a host would, with the cookie that says so.</summary>
    public static WirePlugin Start(string executable)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment[PluginCookie.Name] = PluginCookie.Value;
        return new WirePlugin(Process.Start(start)!);
    }

    /// <summary>Writes one line: <paramref name="json"/> and a newline.</summary>
    public Task SendAsync(string json, CancellationToken deadline) => SendAsync(Encoding.UTF8.GetBytes(json + "\n"), deadline);

    /// <summary>Writes bytes as they are.</summary>
    public async Task SendAsync(byte[] bytes, CancellationToken deadline)
    {
        await _stdin.WriteAsync(bytes, deadline);
        await _stdin.FlushAsync(deadline);
    }

    /// <summary>Reads messages until one matches; every message read is kept in <see cref="Received"/>.</summary>
    public async Task<JsonElement> ReadUntilAsync(Func<JsonElement, bool> match, CancellationToken deadline)
    {
        while (true)
        {
            // WaitAsync: a deadline must end the wait even if a pipe read does not honour cancellation.
            var line = await _stdout.ReadLineAsync(CancellationToken.None).AsTask().WaitAsync(deadline)
                ?? throw new InvalidOperationException($"the plugin (pid {Pid}) closed stdout; stderr:\n{string.Join('\n', StderrLines)}");
            using var document = JsonDocument.Parse(line);
            var message = document.RootElement.Clone();
            _received.Add(message);
            if (match(message))
            {
                return message;
            }
        }
    }

    /// <summary>Reads messages until the next response (a message without a method), whatever its id.</summary>
    public Task<JsonElement> ReadResponseAsync(CancellationToken deadline) => ReadUntilAsync(Wire.IsResponse, deadline);

    /// <summary>Shakes hands offering protocol version 1 and checks that the plugin took it.</summary>
    public async Task InitializeAsync(int id, CancellationToken deadline)
    {
        await SendAsync(Wire.Initialize(id, 1), deadline);
        var answer = await ReadResponseAsync(deadline);
        Assert.Equal(1, Wire.Result(answer, id).GetProperty("protocolVersion").GetInt32());
    }

    /// <summary>Closes stdin, as a host ends the conversation, and waits for the plugin to exit; returns its exit code.</summary>
    public async Task<int> EndAsync(CancellationToken deadline)
    {
        _stdin.Close();

        // With stderr read by events, this also waits for stderr to reach its end.
        await _process.WaitForExitAsync(deadline);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
