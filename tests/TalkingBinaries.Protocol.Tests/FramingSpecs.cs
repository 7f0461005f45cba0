using System.Text;
using TalkingBinaries.Protocol.Framing;

namespace TalkingBinaries.Protocol.Tests;

public sealed class FramingSpecs
{
    [Fact]
    public async Task Lines_fed_one_byte_per_read_come_back_whole()
    {
        var reader = new NewLineDelimitedReader(new TrickleStream("first line\nsecond\nthird one here\n"u8.ToArray()));

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([("first line", true), ("second", true), ("third one here", true)], chunks);
    }

    [Fact]
    public async Task A_last_line_one_byte_over_the_limit_without_its_end_comes_back_in_pieces()
    {
        // Found by ProtocolFuzzSpecs: at end of stream the reader once returned limit + 1 bytes as one line.
        var reader = new NewLineDelimitedReader(new MemoryStream(Encoding.ASCII.GetBytes(new string('x', 17))), maxLineBytes: 16);

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([(new string('x', 16), false), ("x", true)], chunks);
    }

    [Fact]
    public async Task Carriage_return_line_feed_endings_are_stripped()
    {
        var reader = new NewLineDelimitedReader(new MemoryStream("one\r\ntwo\r\n"u8.ToArray()));

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([("one", true), ("two", true)], chunks);
    }

    [Fact]
    public async Task Carriage_return_line_feed_split_across_reads_is_stripped()
    {
        var reader = new NewLineDelimitedReader(new TrickleStream("one\r\ntwo\r\n"u8.ToArray()));

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([("one", true), ("two", true)], chunks);
    }

    [Fact]
    public async Task A_lone_carriage_return_inside_a_line_is_kept()
    {
        var reader = new NewLineDelimitedReader(new MemoryStream("progress 10%\rprogress 20%\n"u8.ToArray()));

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([("progress 10%\rprogress 20%", true)], chunks);
    }

    [Fact]
    public async Task Blank_lines_come_back_as_empty_chunks()
    {
        var reader = new NewLineDelimitedReader(new MemoryStream("a\n\n\r\nb\n"u8.ToArray()));

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([("a", true), (string.Empty, true), (string.Empty, true), ("b", true)], chunks);
    }

    [Fact]
    public async Task A_last_line_without_a_terminator_is_returned_at_end_of_stream()
    {
        var reader = new NewLineDelimitedReader(new TrickleStream("done\nno newline at the end"u8.ToArray()));

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([("done", true), ("no newline at the end", true)], chunks);
    }

    [Fact]
    public async Task An_empty_stream_gives_null_at_once()
    {
        var reader = new NewLineDelimitedReader(new MemoryStream());

        var chunk = await reader.ReadLineAsync();

        Assert.Null(chunk);
    }

    [Fact]
    public async Task Reading_past_the_end_keeps_giving_null()
    {
        var reader = new NewLineDelimitedReader(new MemoryStream("only\n"u8.ToArray()));

        var first = await reader.ReadLineAsync();
        var second = await reader.ReadLineAsync();
        var third = await reader.ReadLineAsync();

        Assert.Equal("only", Text(first!.Value));
        Assert.Null(second);
        Assert.Null(third);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task An_oversized_line_comes_back_in_pieces_and_the_next_line_is_read_whole(bool trickle)
    {
        var oversized = new string('a', 16) + new string('b', 16) + "tail";
        var reader = new NewLineDelimitedReader(Over(oversized + "\nnext line\n", trickle), maxLineBytes: 16);

        var chunks = await ReadAllAsync(reader);

        Assert.Equal(16, reader.MaxLineBytes);
        Assert.Equal([(new string('a', 16), false), (new string('b', 16), false), ("tail", true), ("next line", true)], chunks);
    }

    [Fact]
    public async Task A_long_line_under_the_limit_grows_the_buffer_and_comes_back_whole()
    {
        var line = string.Concat(Enumerable.Range(0, 2000).Select(n => n.ToString("D5", System.Globalization.CultureInfo.InvariantCulture)));
        var reader = new NewLineDelimitedReader(new MemoryStream(Encoding.UTF8.GetBytes(line + "\nafter\n")), maxLineBytes: 64 * 1024);

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([(line, true), ("after", true)], chunks);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_line_of_exactly_the_limit_comes_back_whole(bool trickle)
    {
        // MaxLineBytes is "the longest line returned whole" (and ProtocolLimits.MaxMessageBytes is the longest message allowed).
        var line = new string('x', 16);
        var reader = new NewLineDelimitedReader(Over(line + "\nnext\n", trickle), maxLineBytes: 16);

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([(line, true), ("next", true)], chunks);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_line_under_the_limit_ended_by_carriage_return_line_feed_comes_back_whole_without_the_carriage_return(bool trickle)
    {
        var line = new string('x', 15);
        var reader = new NewLineDelimitedReader(Over(line + "\r\nnext\r\n", trickle), maxLineBytes: 16);

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([(line, true), ("next", true)], chunks);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_line_of_exactly_the_limit_ended_by_carriage_return_line_feed_comes_back_whole(bool trickle)
    {
        // The limit counts the line without its terminator, and "\r\n" is a terminator like "\n".
        var line = new string('x', 16);
        var reader = new NewLineDelimitedReader(Over(line + "\r\nnext\r\n", trickle), maxLineBytes: 16);

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([(line, true), ("next", true)], chunks);
    }

    [Fact]
    public async Task A_line_one_byte_over_the_limit_comes_back_as_a_full_piece_and_a_one_byte_rest()
    {
        var reader = new NewLineDelimitedReader(Over(new string('x', 16) + "y\nnext\n", trickle: false), maxLineBytes: 16);

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([(new string('x', 16), false), ("y", true), ("next", true)], chunks);
    }

    [Fact]
    public async Task Multi_byte_characters_split_across_reads_are_reassembled()
    {
        const string First = "héllo wörld ✓ 🚀";
        const string Second = "日本語のテキスト";
        var reader = new NewLineDelimitedReader(new TrickleStream(Encoding.UTF8.GetBytes(First + "\n" + Second + "\n")));

        var chunks = await ReadAllAsync(reader);

        Assert.Equal([(First, true), (Second, true)], chunks);
    }

    [Fact]
    public void A_limit_below_sixteen_bytes_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NewLineDelimitedReader(new MemoryStream(), maxLineBytes: 15));
    }

    [Fact]
    public async Task A_cancelled_read_throws()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        var reader = new NewLineDelimitedReader(new MemoryStream("line\n"u8.ToArray()));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadLineAsync(cancelled.Token));
    }

    private static async Task<List<(string Text, bool EndsLine)>> ReadAllAsync(NewLineDelimitedReader reader)
    {
        // A chunk's bytes are valid only until the next read, so each is decoded at once.
        var chunks = new List<(string, bool)>();
        while (await reader.ReadLineAsync() is { } chunk)
        {
            chunks.Add((Text(chunk), chunk.EndsLine));
        }

        return chunks;
    }

    private static Stream Over(string text, bool trickle)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        return trickle ? new TrickleStream(bytes) : new MemoryStream(bytes);
    }

    private static string Text(LineChunk chunk) => Encoding.UTF8.GetString(chunk.Bytes.Span);

    /// <summary>A read-only stream that hands out one byte per read, as a slow pipe might.</summary>
    private sealed class TrickleStream(byte[] bytes) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position == bytes.Length || buffer.Length == 0)
            {
                return 0;
            }

            buffer[0] = bytes[_position++];
            return 1;
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.Yield();
            return Read(buffer.Span);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
