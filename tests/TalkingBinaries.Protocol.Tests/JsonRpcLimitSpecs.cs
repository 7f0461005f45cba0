using System.Collections.Concurrent;
using System.IO.Pipes;
using System.Text;
using System.Text.Json;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Protocol.Tests;

/// <summary>
/// The peer at the protocol's limits (docs/protocol.md, "Limits"): nothing it knows the other side refuses is sent,
/// nothing over the limit is left unanswered, a stray byte costs a character, not a message, and no write it cannot
/// finish holds up the end of the conversation.
/// </summary>
public sealed class JsonRpcLimitSpecs : IAsyncLifetime
{
    private readonly CancellationToken _deadline = Deadline.After();
    private readonly ConcurrentQueue<JsonRpcProblem> _problems = new();
    private readonly AnonymousPipeServerStream _toPeer = new(PipeDirection.Out);
    private readonly AnonymousPipeServerStream _fromPeer = new(PipeDirection.In);
    private StreamReader _written = null!;
    private JsonRpcPeer _peer = null!;

    public Task InitializeAsync()
    {
        _written = new StreamReader(_fromPeer, Encoding.UTF8);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _toPeer.DisposeAsync();
        await _peer.DisposeAsync();
        _written.Dispose();
    }

    [Fact]
    public async Task A_request_over_the_size_limit_is_not_sent_and_the_conversation_goes_on()
    {
        var peer = Start(options => options with { MaxMessageBytes = 1024 });
        var big = Step("big", new string('x', 2000));

        var refused = await Assert.ThrowsAsync<JsonRpcLimitException>(() => peer.RequestAsync(ProtocolMethods.StepRun, big, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, _deadline));
        _ = peer.RequestAsync(ProtocolMethods.StepRun, Step("small", "x"), ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, _deadline);
        var next = await ReadWrittenAsync();

        Assert.Equal("the 'step/run' request is over the protocol's limit of 1024 bytes", refused.Message);
        Assert.False(refused.TooDeep);
        Assert.Equal("small", next.GetProperty("params").GetProperty("step").GetString());
    }

    [Fact]
    public async Task A_message_64_levels_deep_is_sent_and_one_65_levels_deep_is_not()
    {
        var peer = Start();

        // The message's own object, "params" and "config" take 3 levels; the config adds the rest.
        var sent = await peer.NotifyAsync(ProtocolMethods.StepRun, StepWithConfig(Nested(62)), ProtocolJsonContext.Default.StepRunParams, _deadline);
        var refused = await Assert.ThrowsAsync<JsonRpcLimitException>(() => peer.NotifyAsync(ProtocolMethods.StepRun, StepWithConfig(Nested(63)), ProtocolJsonContext.Default.StepRunParams, _deadline));
        var read = await ReadWrittenAsync();

        Assert.True(sent);
        Assert.Equal(64, Depth(read));
        Assert.True(refused.TooDeep);
        Assert.Equal("the 'step/run' notification nests deeper than the protocol's limit of 64 levels", refused.Message);
    }

    [Fact]
    public async Task A_message_64_levels_deep_is_read_and_handled()
    {
        var handled = new TaskCompletionSource<LogParams?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Start(register: peer => peer.HandleNotification(ProtocolMethods.Log, ProtocolJsonContext.Default.LogParams, log => handled.TrySetResult(log)));

        // 64 levels: the message, "params", then "extra" nested 62 deep (unknown members are read and ignored).
        await WriteToPeerAsync($$$"""{"jsonrpc":"2.0","method":"log","params":{"level":"info","message":"deep","extra":{{{Nested(62).GetRawText()}}}}}""");

        Assert.Equal("deep", (await handled.Task.WaitAsync(_deadline))!.Message);
        Assert.Empty(_problems);
    }

    [Fact]
    public async Task An_oversized_request_is_answered_with_an_error_naming_the_limit_when_its_id_comes_first()
    {
        Start(options => options with { MaxMessageBytes = 1024 }, peer => peer.HandleRequest(ProtocolMethods.StepRun, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, (_, _) => Task.FromResult(new StepRunResult())));

        await WriteToPeerAsync($$$"""{"jsonrpc":"2.0","id":"r-7","method":"step/run","params":{"config":"{{{new string('x', 5000)}}}"}}""");
        var answer = await ReadWrittenAsync();

        Assert.Equal("r-7", answer.GetProperty("id").GetString());
        Assert.Equal(JsonRpcErrorCodes.LimitExceeded, answer.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("over the protocol's limit of 1024 bytes", answer.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Equal(JsonRpcProblemKind.OversizedLine, Assert.Single(_problems).Kind);
    }

    [Fact]
    public async Task An_oversized_answer_fails_the_request_waiting_for_it_instead_of_leaving_it_waiting()
    {
        var peer = Start(options => options with { MaxMessageBytes = 1024 });
        var waiting = peer.RequestAsync(ProtocolMethods.StepRun, Step("s", "x"), ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, _deadline);
        var id = (await ReadWrittenAsync()).GetProperty("id").GetInt64();

        await WriteToPeerAsync($$$$"""{"jsonrpc":"2.0","id":{{{{id}}}},"result":{"status":"succeeded","outputs":{"stdout":"{{{{new string('x', 5000)}}}}"}}}""");
        var failure = await Assert.ThrowsAsync<JsonRpcRemoteException>(() => waiting.WaitAsync(_deadline));

        Assert.Equal(JsonRpcErrorCodes.LimitExceeded, failure.Error.Code);
        Assert.Contains("over the protocol's limit of 1024 bytes", failure.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_result_over_the_limit_is_answered_with_an_error_instead()
    {
        Start(options => options with { MaxMessageBytes = 1024 }, peer => peer.HandleRequest(ProtocolMethods.StepRun, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, (_, _) =>
            Task.FromResult(new StepRunResult { Outputs = new Dictionary<string, JsonElement> { ["big"] = JsonSerializer.SerializeToElement(new string('x', 5000), ProtocolJsonContext.Default.String) } })));

        await WriteToPeerAsync("""{"jsonrpc":"2.0","id":3,"method":"step/run","params":{"runId":"r","stepId":"s","step":"s","config":{}}}""");
        var answer = await ReadWrittenAsync();

        Assert.Equal(3, answer.GetProperty("id").GetInt32());
        Assert.Equal(JsonRpcErrorCodes.LimitExceeded, answer.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("The result was not sent: it is over the protocol's limit of 1024 bytes.", answer.GetProperty("error").GetProperty("message").GetString());
    }

    [Fact]
    public async Task A_message_with_an_invalid_UTF8_byte_is_read_with_a_replacement_character()
    {
        var handled = new TaskCompletionSource<LogParams?>(TaskCreationOptions.RunContinuationsAsynchronously);
        Start(register: peer => peer.HandleNotification(ProtocolMethods.Log, ProtocolJsonContext.Default.LogParams, log => handled.TrySetResult(log)));
        var line = Encoding.UTF8.GetBytes("""{"jsonrpc":"2.0","method":"log","params":{"level":"info","message":"bad X byte"}}""" + "\n");
        line[Array.IndexOf(line, (byte)'X')] = 0xFF;

        await _toPeer.WriteAsync(line, _deadline);

        Assert.Equal("bad \uFFFD byte", (await handled.Task.WaitAsync(_deadline))!.Message);
        Assert.Empty(_problems);
    }

    [Fact]
    public async Task A_response_to_an_unknown_id_is_reported_with_the_id_as_JSON_so_a_string_keeps_its_quotes()
    {
        Start();

        await WriteToPeerAsync("""{"jsonrpc":"2.0","id":"2","result":{}}""");
        await WriteToPeerAsync("""{"jsonrpc":"2.0","id":2,"result":{}}""");
        while (_problems.Count < 2)
        {
            await Task.Delay(5, _deadline);
        }

        Assert.Equal(["ignored a response to unknown request id \"2\"", "ignored a response to unknown request id 2"], _problems.Select(problem => problem.Description));
    }

    [Fact]
    public async Task Closing_the_output_does_not_wait_for_a_write_blocked_on_a_pipe_nobody_reads()
    {
        var peer = Start();

        // Nobody reads _fromPeer: 2 MB fills the pipe and the write blocks for good.
        var blocked = peer.NotifyAsync(ProtocolMethods.Log, new LogParams { Message = new string('x', 2_000_000) }, ProtocolJsonContext.Default.LogParams);
        await Task.Delay(200, _deadline);
        var queued = await peer.NotifyAsync(ProtocolMethods.Log, new LogParams { Message = "queued" }, ProtocolJsonContext.Default.LogParams, new CancellationTokenSource(TimeSpan.FromMilliseconds(200)).Token);
        await peer.CloseOutputAsync().WaitAsync(TimeSpan.FromSeconds(5), _deadline);

        Assert.False(blocked.IsCompleted);
        Assert.False(queued);

        // The reader going away breaks the pipe: the blocked write ends, and with it the stream.
        _written.Dispose();
        Assert.False(await blocked.WaitAsync(_deadline));
    }

    private static StepRunParams Step(string name, string pad) => new()
    {
        RunId = "r",
        StepId = name,
        Step = name,
        Config = JsonSerializer.SerializeToElement(pad, ProtocolJsonContext.Default.String),
    };

    private static StepRunParams StepWithConfig(JsonElement config) => new() { RunId = "r", StepId = "s", Step = "s", Config = config };

    /// <summary>Arrays nested <paramref name="levels"/> deep.</summary>
    private static JsonElement Nested(int levels) => JsonDocument.Parse(new string('[', levels) + new string(']', levels), new JsonDocumentOptions { MaxDepth = 1000 }).RootElement.Clone();

    private static int Depth(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => 1 + value.EnumerateObject().Select(member => Depth(member.Value)).DefaultIfEmpty(0).Max(),
        JsonValueKind.Array => 1 + value.EnumerateArray().Select(Depth).DefaultIfEmpty(0).Max(),
        _ => 0,
    };

    private JsonRpcPeer Start(Func<JsonRpcPeerOptions, JsonRpcPeerOptions>? options = null, Action<JsonRpcPeer>? register = null)
    {
        var input = new AnonymousPipeClientStream(PipeDirection.In, _toPeer.ClientSafePipeHandle);
        var output = new AnonymousPipeClientStream(PipeDirection.Out, _fromPeer.ClientSafePipeHandle);
        _peer = new JsonRpcPeer(input, output, (options ?? (o => o))(new JsonRpcPeerOptions { Name = "peer", OnProblem = _problems.Enqueue }));
        register?.Invoke(_peer);
        _peer.Start();
        return _peer;
    }

    private async Task WriteToPeerAsync(string line) => await _toPeer.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), _deadline);

    private async Task<JsonElement> ReadWrittenAsync()
    {
        var line = await _written.ReadLineAsync(CancellationToken.None).AsTask().WaitAsync(_deadline) ?? throw new InvalidOperationException("the peer closed its output");
        using var document = JsonDocument.Parse(line, new JsonDocumentOptions { MaxDepth = 1000 });
        return document.RootElement.Clone();
    }
}
