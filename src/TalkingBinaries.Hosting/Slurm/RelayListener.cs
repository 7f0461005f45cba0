using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace TalkingBinaries.Hosting.Slurm;

/// <summary>The host's end of a relay: a TCP listener the plugin's relay on the node connects back to, and the socket's two directions as streams.</summary>
/// <remarks>
/// srun's own stdio forwarding stalls 44-88 ms on a message over 1,024 bytes or on two writes back to back (Slurm 22.05
/// sends it in 1 KB chunks over TCP without TCP_NODELAY; docs/cluster.md). The relay bypasses it: one socket, with
/// TCP_NODELAY on both ends. The first line the relay sends proves it is ours (a random token) and says where it runs.
/// </remarks>
internal sealed class RelayListener : IDisposable
{
    private const int MaxHelloBytes = 4096;
    private readonly Socket _listener;
    private readonly TaskCompletionSource<Socket> _connected = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public RelayListener(string? callbackAddress)
    {
        var address = Address(callbackAddress);
        _listener = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp);
        _listener.Bind(new IPEndPoint(address, 0));
        _listener.Listen(4);
        Endpoint = ((IPEndPoint)_listener.LocalEndPoint!).ToString();
        Token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        Input = new RelayStream(_connected.Task, writes: true);
        Output = new RelayStream(_connected.Task, writes: false);
    }

    /// <summary>Where the relay connects: <c>address:port</c>.</summary>
    public string Endpoint { get; }

    /// <summary>The secret the relay's first line must carry.</summary>
    public string Token { get; }

    /// <summary>The plugin's stdin: writes go to the relay; disposing it shuts the socket's sending side (the plugin reads end of file).</summary>
    public Stream Input { get; }

    /// <summary>The plugin's stdout, read from the relay; end of stream when the relay closes the socket or never connected.</summary>
    public Stream Output { get; }

    /// <summary>Completes when the relay has connected, or when it never will (srun ended first); never faults.</summary>
    public Task Connected => _connected.Task.ContinueWith(static _ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    /// <summary>Where the plugin runs, once its relay has connected.</summary>
    public SlurmPlacement? Placement { get; private set; }

    /// <summary>Accepts the relay's connection; gives up when <paramref name="launcherExited"/> completes first (srun failed, or was stopped).</summary>
    public async Task AcceptAsync(Task launcherExited)
    {
        using var stop = new CancellationTokenSource();
        _ = launcherExited.ContinueWith(_ => stop.Cancel(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptAsync(stop.Token).ConfigureAwait(false);
                if (await ReadHelloAsync(socket, stop.Token).ConfigureAwait(false) is { } placement)
                {
                    socket.NoDelay = true;
                    Placement = placement;
                    _connected.TrySetResult(socket);
                    return;
                }

                // Not our relay (a port scan, a stale relay): refuse it and keep waiting.
                socket.Dispose();
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
        {
            _connected.TrySetException(new IOException("the plugin's relay never connected back: srun ended first (its messages are on stderr)", exception));
        }
        finally
        {
            _listener.Dispose();
        }
    }

    public void Dispose()
    {
        _listener.Dispose();
        _connected.TrySetException(new IOException("the relay listener was closed"));
        Input.Dispose();
        Output.Dispose();
    }

    private async Task<SlurmPlacement?> ReadHelloAsync(Socket socket, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        var line = new List<byte>();
        var one = new byte[1];
        try
        {
            // Byte by byte: nothing after the line may be consumed here, it is the plugin's.
            while (line.Count < MaxHelloBytes && await socket.ReceiveAsync(one, SocketFlags.None, timeout.Token).ConfigureAwait(false) == 1)
            {
                if (one[0] == (byte)'\n')
                {
                    using var hello = JsonDocument.Parse(line.ToArray());
                    var root = hello.RootElement;
                    string Field(string name) => root.TryGetProperty(name, out var value) ? value.GetString() ?? string.Empty : string.Empty;
                    return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(Field("token")), Encoding.UTF8.GetBytes(Token))
                        ? new SlurmPlacement(Field("job"), Field("step"), Field("node"))
                        : null;
                }

                line.Add(one[0]);
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException or SocketException || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }

        return null;
    }

    private static IPAddress Address(string? configured)
    {
        if (!string.IsNullOrEmpty(configured))
        {
            return IPAddress.TryParse(configured, out var parsed) ? parsed : Dns.GetHostAddresses(configured).First();
        }

        // The address this host's name resolves to is the one its nodes know it by; a single node resolves it to loopback.
        try
        {
            return Dns.GetHostAddresses(Dns.GetHostName()).FirstOrDefault(address => address.AddressFamily == AddressFamily.InterNetwork) ?? IPAddress.Loopback;
        }
        catch (SocketException)
        {
            return IPAddress.Loopback;
        }
    }

    /// <summary>One direction of the relay's socket, usable before it connects: reads and writes wait for it.</summary>
    private sealed class RelayStream(Task<Socket> connected, bool writes) : Stream
    {
        private bool _disposed;

        public override bool CanRead => !writes;

        public override bool CanWrite => writes;

        public override bool CanSeek => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (Socket() is not { } socket)
            {
                return 0;
            }

            try
            {
                return socket.Receive(buffer);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                return 0;
            }
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Socket socket;
            try
            {
                socket = await connected.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (IOException)
            {
                return 0;
            }

            try
            {
                return await socket.ReceiveAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                return 0;
            }
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            var socket = Socket() ?? throw new IOException("the plugin's relay is not connected");
            try
            {
                while (!buffer.IsEmpty)
                {
                    buffer = buffer[socket.Send(buffer)..];
                }
            }
            catch (SocketException exception)
            {
                throw new IOException($"the plugin's relay closed its connection: {exception.Message}", exception);
            }
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var socket = await connected.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                while (!buffer.IsEmpty)
                {
                    buffer = buffer[await socket.SendAsync(buffer, SocketFlags.None, cancellationToken).ConfigureAwait(false)..];
                }
            }
            catch (SocketException exception)
            {
                throw new IOException($"the plugin's relay closed its connection: {exception.Message}", exception);
            }
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing && !_disposed)
            {
                _disposed = true;
                if (connected.IsCompletedSuccessfully)
                {
                    try
                    {
                        // The write side only says "no more input"; the read side owns the socket.
                        if (writes)
                        {
                            connected.Result.Shutdown(SocketShutdown.Send);
                        }
                        else
                        {
                            connected.Result.Dispose();
                        }
                    }
                    catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
                    {
                        // Already closed by the other side or the other stream.
                    }
                }
            }

            base.Dispose(disposing);
        }

        private Socket? Socket()
        {
            try
            {
                return connected.GetAwaiter().GetResult();
            }
            catch (IOException)
            {
                return null;
            }
        }
    }
}
