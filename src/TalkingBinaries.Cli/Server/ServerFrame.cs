using System.Buffers.Binary;
using System.Text;

namespace TalkingBinaries.Cli;

/// <summary>One message between <c>tb</c> and the tb server: a 4-byte length, a kind, and the kind's fields.</summary>
/// <remarks>
/// Fields are 4-byte integers and strings (a 4-byte length, then UTF-8), little-endian: both ends are the same tb on
/// the same machine, and a client pays no JSON for it. A run's request carries the client's stdout and stderr as
/// descriptors (SCM_RIGHTS).
/// </remarks>
internal sealed class ServerFrame
{
    /// <summary>The most bytes a frame may have: a run's request carries the client's whole environment.</summary>
    private const int MaxLength = 16 * 1024 * 1024;

    private readonly List<byte> _bytes = [];
    private readonly byte[] _payload;
    private int _read;

    private ServerFrame(ServerFrameKind kind, byte[] payload)
    {
        Kind = kind;
        _payload = payload;
    }

    public ServerFrameKind Kind { get; }

    /// <summary>Starts a frame of <paramref name="kind"/> to send.</summary>
    public static ServerFrame Of(ServerFrameKind kind) => new(kind, []);

    public ServerFrame Add(int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        _bytes.AddRange(bytes);
        return this;
    }

    public ServerFrame Add(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        Add(bytes.Length);
        _bytes.AddRange(bytes);
        return this;
    }

    public ServerFrame Add(IReadOnlyCollection<string> values)
    {
        Add(values.Count);
        foreach (var value in values)
        {
            Add(value);
        }

        return this;
    }

    /// <summary>Sends the frame, with <paramref name="descriptors"/> attached.</summary>
    public void Send(UnixSocket socket, ReadOnlySpan<int> descriptors = default)
    {
        var bytes = new byte[5 + _bytes.Count];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, 1 + _bytes.Count);
        bytes[4] = (byte)Kind;
        _bytes.CopyTo(bytes, 5);
        socket.Send(bytes, descriptors);
    }

    /// <summary>The next frame from <paramref name="socket"/>, with any descriptors that came along; null at the end of the stream.</summary>
    /// <exception cref="IOException">The stream broke off inside a frame, or the frame is not one tb sends.</exception>
    public static ServerFrame? Receive(UnixSocket socket, List<int>? descriptors = null)
    {
        Span<byte> header = stackalloc byte[4];
        if (!Fill(socket, header, descriptors, atStart: true))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length is < 1 or > MaxLength)
        {
            throw new IOException($"a message of {length} bytes is not one tb sends");
        }

        var body = new byte[length];
        Fill(socket, body, descriptors, atStart: false);
        return new ServerFrame((ServerFrameKind)body[0], body[1..]);
    }

    /// <summary>The next frame from <paramref name="socket"/>, read without holding a thread; null at the end of the stream.</summary>
    /// <exception cref="IOException">The stream broke off inside a frame, or the frame is not one tb sends.</exception>
    public static async Task<ServerFrame?> ReceiveAsync(System.Net.Sockets.Socket socket)
    {
        var header = new byte[4];
        if (!await FillAsync(socket, header, atStart: true).ConfigureAwait(false))
        {
            return null;
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(header);
        if (length is < 1 or > MaxLength)
        {
            throw new IOException($"a message of {length} bytes is not one tb sends");
        }

        var body = new byte[length];
        await FillAsync(socket, body, atStart: false).ConfigureAwait(false);
        return new ServerFrame((ServerFrameKind)body[0], body[1..]);
    }

    public int Int()
    {
        var value = BinaryPrimitives.ReadInt32LittleEndian(_payload.AsSpan(_read, 4));
        _read += 4;
        return value;
    }

    public string String()
    {
        var length = Int();
        var value = Encoding.UTF8.GetString(_payload, _read, length);
        _read += length;
        return value;
    }

    public List<string> Strings()
    {
        var count = Int();
        var values = new List<string>(count);
        for (var index = 0; index < count; index++)
        {
            values.Add(String());
        }

        return values;
    }

    private static async Task<bool> FillAsync(System.Net.Sockets.Socket socket, byte[] buffer, bool atStart)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = await socket.ReceiveAsync(buffer.AsMemory(filled), System.Net.Sockets.SocketFlags.None).ConfigureAwait(false);
            if (read == 0)
            {
                return filled == 0 && atStart ? false : throw new IOException("the other end went away in the middle of a message");
            }

            filled += read;
        }

        return true;
    }

    private static bool Fill(UnixSocket socket, Span<byte> buffer, List<int>? descriptors, bool atStart)
    {
        var filled = 0;
        while (filled < buffer.Length)
        {
            var read = socket.Receive(buffer[filled..], descriptors);
            if (read == 0)
            {
                return filled == 0 && atStart ? false : throw new IOException("the other end went away in the middle of a message");
            }

            filled += read;
        }

        return true;
    }
}
