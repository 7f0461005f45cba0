namespace TalkingBinaries.Protocol.Framing;

/// <summary>Splits a byte stream into lines ended by <c>\n</c> or <c>\r\n</c>.</summary>
/// <remarks>
/// Not thread-safe: one reader loop owns it. A line longer than <see cref="MaxLineBytes"/> comes back in pieces
/// with <see cref="LineChunk.EndsLine"/> false, so memory stays bounded whatever the other side writes.
/// A last line without a terminator is returned at end of stream. Cancellation abandons the read.
/// </remarks>
public sealed class NewLineDelimitedReader
{
    private const int InitialBufferBytes = 4096;

    private readonly Stream _stream;
    private byte[] _buffer;
    private int _start;
    private int _end;
    private int _scanned;
    private bool _endOfStream;

    /// <summary>Creates a reader over <paramref name="stream"/>.</summary>
    public NewLineDelimitedReader(Stream stream, int maxLineBytes = ProtocolLimits.MaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 16);
        _stream = stream;
        MaxLineBytes = maxLineBytes;
        _buffer = new byte[Math.Min(InitialBufferBytes, maxLineBytes)];
    }

    /// <summary>The longest line returned whole; longer lines come back in pieces of this size.</summary>
    public int MaxLineBytes { get; }

    /// <summary>Reads the next line or piece of a line; null at end of stream.</summary>
    public async ValueTask<LineChunk?> ReadLineAsync(CancellationToken cancellationToken = default)
    {
        LineChunk? chunk;
        while (!TryTake(out chunk))
        {
            MakeRoom();
            Filled(await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken).ConfigureAwait(false));
        }

        return chunk;
    }

    /// <summary>Reads the next line or piece of a line, blocking the calling thread; null at end of stream.</summary>
    /// <remarks>For a reader on a thread of its own: a pipe's asynchronous reads would block a thread-pool thread instead.</remarks>
    public LineChunk? ReadLine()
    {
        LineChunk? chunk;
        while (!TryTake(out chunk))
        {
            MakeRoom();
            Filled(_stream.Read(_buffer.AsSpan(_end)));
        }

        return chunk;
    }

    /// <summary>Takes a line from what was read so far; false when more must be read first.</summary>
    private bool TryTake(out LineChunk? chunk)
    {
        var newline = Array.IndexOf(_buffer, (byte)'\n', _scanned, _end - _scanned);
        if (newline >= 0)
        {
            var length = newline - _start;
            if (length > 0 && _buffer[newline - 1] == (byte)'\r')
            {
                length--;
            }

            if (length > MaxLineBytes)
            {
                // Over the limit by a byte or two: the same pieces as any longer line.
                chunk = TakePiece();
                return true;
            }

            var line = new ReadOnlyMemory<byte>(_buffer, _start, length);
            _start = newline + 1;
            _scanned = _start;
            chunk = new LineChunk(line, EndsLine: true);
            return true;
        }

        _scanned = _end;
        var pending = _end - _start;
        if (pending >= MaxLineBytes + 2)
        {
            // No newline within the limit plus a possible "\r\n": the line is too long whatever follows.
            chunk = TakePiece();
            return true;
        }

        if (!_endOfStream)
        {
            chunk = null;
            return false;
        }

        chunk = null;
        if (pending > MaxLineBytes)
        {
            // A last line without its end, one byte over the limit: the same pieces as any longer line.
            chunk = TakePiece();
        }
        else if (pending > 0)
        {
            chunk = new LineChunk(new ReadOnlyMemory<byte>(_buffer, _start, pending), EndsLine: true);
            _start = _end;
            _scanned = _end;
        }

        return true;
    }

    private void Filled(int read)
    {
        if (read == 0)
        {
            _endOfStream = true;
        }

        _end += read;
    }

    private LineChunk TakePiece()
    {
        var piece = new ReadOnlyMemory<byte>(_buffer, _start, MaxLineBytes);
        _start += MaxLineBytes;
        _scanned = _start;
        return new LineChunk(piece, EndsLine: false);
    }

    private void MakeRoom()
    {
        var pending = _end - _start;
        if (_start > 0)
        {
            // Move the unfinished line to the front; earlier lines were handed out and are no longer needed.
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, pending);
            _scanned -= _start;
            _start = 0;
            _end = pending;
        }

        if (_end == _buffer.Length)
        {
            // Two bytes over the limit: room to see the "\r\n" that ends a line of exactly the limit.
            var grown = new byte[Math.Min(_buffer.Length * 2, MaxLineBytes + 2)];
            Buffer.BlockCopy(_buffer, 0, grown, 0, _end);
            _buffer = grown;
        }
    }
}
