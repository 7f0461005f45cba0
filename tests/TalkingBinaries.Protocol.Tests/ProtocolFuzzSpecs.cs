using System.IO.Pipes;
using System.Text;
using System.Text.Json;
using CsCheck;
using TalkingBinaries.Protocol.Framing;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Protocol.Tests;

/// <summary>Random and mutated input for the frame reader, the message parser and the peer: a result or a clear refusal, never an exception.</summary>
[Trait("Category", "Fuzz")]
public sealed class ProtocolFuzzSpecs
{
    private static readonly string[] Messages =
    [
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersions":[1],"host":{"name":"tb","version":"1"}}}""",
        """{"jsonrpc":"2.0","id":2,"method":"step/run","params":{"runId":"r","stepId":"s","step":"s","config":{"say":"hi","n":[1,2,{"a":null}]},"variables":{"v":true}}}""",
        """{"jsonrpc":"2.0","method":"log","params":{"level":"warn","message":"line\nnext","stepId":"s"}}""",
        """{"jsonrpc":"2.0","method":"step/cancel","params":{"stepId":"s"}}""",
        """{"jsonrpc":"2.0","id":"x7","result":{"status":"succeeded","outputs":{"said":"hi"}}}""",
        """{"jsonrpc":"2.0","id":3,"error":{"code":-32601,"message":"no","data":{"m":"frob"}}}""",
        """{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"The line is not JSON."}}""",
        """{"jsonrpc":"2.0","method":"vars/set","params":{"name":"out","value":{"deep":[1,2,3]},"secret":true}}""",
    ];

    [Fact]
    public void The_frame_reader_gives_back_every_byte_in_pieces_no_longer_than_its_limit()
    {
        Gen.Select(Fuzz.Bytes(Messages), Gen.Int[16, 64], Gen.Int[1, 100]).Sample((bytes, limit, chunk) =>
        {
            var reader = new NewLineDelimitedReader(new TricklingStream(bytes, chunk), limit);
            var rebuilt = new List<byte>();
            while (reader.ReadLine() is { } piece)
            {
                Assert.True(piece.Bytes.Length <= limit, $"a piece of {piece.Bytes.Length} bytes, over the limit of {limit}");
                rebuilt.AddRange(piece.Bytes.ToArray());
                if (piece.EndsLine)
                {
                    rebuilt.Add((byte)'\n');
                }
            }

            // What came out is what went in, less the "\r" of each "\r\n" and with a final "\n" where the input had none.
            var expected = Encoding.Latin1.GetString(bytes).Replace("\r\n", "\n", StringComparison.Ordinal);
            var actual = Encoding.Latin1.GetString([.. rebuilt]);
            Assert.Equal(expected.TrimEnd('\n'), actual.TrimEnd('\n'));
        }, iter: Fuzz.Iterations(2000));
    }

    [Fact]
    public void The_message_parser_accepts_or_says_why_and_never_throws()
    {
        Fuzz.Bytes(Messages).Sample(bytes =>
        {
            if (JsonRpcMessage.TryParse(bytes, out var message, out var problem))
            {
                Assert.Equal("2.0", message.JsonRpc);
                _ = message.Kind;
            }
            else
            {
                Assert.False(string.IsNullOrWhiteSpace(problem));
            }
        }, iter: Fuzz.Iterations(5000));
    }

    [Fact]
    public void A_peer_fed_garbage_reports_it_and_still_answers_the_next_request()
    {
        Gen.Select(Fuzz.Mutations(Messages).Array[1, 20], Gen.Bool).Sample((lines, answerUnreadable) =>
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var toPeer = new AnonymousPipeServerStream(PipeDirection.Out);
            var fromPeer = new AnonymousPipeServerStream(PipeDirection.In);
            var problems = 0;
            var peer = new JsonRpcPeer(
                new AnonymousPipeClientStream(PipeDirection.In, toPeer.ClientSafePipeHandle),
                new AnonymousPipeClientStream(PipeDirection.Out, fromPeer.ClientSafePipeHandle),
                new JsonRpcPeerOptions { AnswerUnreadableLines = answerUnreadable, WriteSynchronously = true, OnProblem = _ => Interlocked.Increment(ref problems) });
            peer.HandleRequest(ProtocolMethods.StepRun, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, (_, _) => Task.FromResult(new StepRunResult()), "step/run needs params");
            peer.HandleNotification(ProtocolMethods.Log, ProtocolJsonContext.Default.LogParams, _ => { });
            peer.HandleNotification(ProtocolMethods.StepCancel, ProtocolJsonContext.Default.StepCancelParams, _ => { });
            peer.Start();
            try
            {
                // Garbage and mutated messages, then one good request, read back among whatever the peer answered meanwhile.
                var input = string.Concat(lines.Select(line => line.Replace("\n", " ", StringComparison.Ordinal) + "\n"))
                    + """{"jsonrpc":"2.0","id":"probe","method":"step/run","params":{"runId":"r","stepId":"p","step":"p","config":{}}}""" + "\n";
                toPeer.Write(Encoding.UTF8.GetBytes(input));
                toPeer.Flush();
                var reader = new NewLineDelimitedReader(fromPeer);
                while (true)
                {
                    var line = reader.ReadLineAsync(deadline.Token).AsTask().GetAwaiter().GetResult();
                    Assert.True(line is not null, "the peer closed its output instead of answering the probe");
                    using var answer = JsonDocument.Parse(line.Value.Bytes);
                    if (answer.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == "probe")
                    {
                        Assert.True(answer.RootElement.TryGetProperty("result", out _), $"the probe got {Encoding.UTF8.GetString(line.Value.Bytes.Span)}");
                        break;
                    }
                }

                Assert.False(peer.Completion.IsCompleted);
            }
            finally
            {
                peer.DisposeAsync().AsTask().GetAwaiter().GetResult();
                toPeer.Dispose();
                fromPeer.Dispose();
            }
        }, iter: Fuzz.Iterations(200), threads: 2);
    }

    /// <summary>A read-only stream that hands out its bytes a few at a time, as a pipe may.</summary>
    private sealed class TricklingStream(byte[] bytes, int chunk) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => bytes.Length;

        public override long Position { get => _position; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            var count = Math.Min(Math.Min(buffer.Length, chunk), bytes.Length - _position);
            bytes.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
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
