using System.Text;
using System.Text.Json;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Protocol.Tests;

public sealed class JsonRpcSpecs
{
    [Fact]
    public void A_request_is_read_with_its_id_method_and_params()
    {
        var line = """{"jsonrpc":"2.0","id":7,"method":"step/cancel","params":{"stepId":"build"}}"""u8;

        var parsed = JsonRpcMessage.TryParse(line, out var message, out var problem);

        Assert.True(parsed, problem);
        Assert.Null(problem);
        Assert.Equal(JsonRpcMessageKind.Request, message!.Kind);
        Assert.True(message.TryGetNumericId(out var id));
        Assert.Equal(7, id);
        Assert.Equal(ProtocolMethods.StepCancel, message.Method);
        Assert.Equal(new StepCancelParams("build"), message.ReadParams(ProtocolJsonContext.Default.StepCancelParams));
    }

    [Fact]
    public void A_message_with_a_method_and_no_id_is_a_notification()
    {
        var line = """{"jsonrpc":"2.0","method":"log","params":{"level":"warn","message":"careful"}}"""u8;

        var parsed = JsonRpcMessage.TryParse(line, out var message, out var problem);

        Assert.True(parsed, problem);
        Assert.Equal(JsonRpcMessageKind.Notification, message!.Kind);
        Assert.Null(message.Id);
        Assert.False(message.TryGetNumericId(out _));
        var log = message.ReadParams(ProtocolJsonContext.Default.LogParams);
        Assert.Equal(LogLevels.Warn, log!.Level);
        Assert.Equal("careful", log.Message);
    }

    [Fact]
    public void A_response_with_a_result_is_read_with_its_result()
    {
        var line = """{"jsonrpc":"2.0","id":3,"result":{"status":"failed","error":{"message":"exit 2","code":"command_failed"}}}"""u8;

        var parsed = JsonRpcMessage.TryParse(line, out var message, out var problem);

        Assert.True(parsed, problem);
        Assert.Equal(JsonRpcMessageKind.Response, message!.Kind);
        Assert.True(message.TryGetNumericId(out var id));
        Assert.Equal(3, id);
        Assert.Null(message.Error);
        var result = message.ReadResult(ProtocolJsonContext.Default.StepRunResult);
        Assert.Equal(StepResultStatus.Failed, result!.Status);
        Assert.Equal("exit 2", result.Error!.Message);
        Assert.Equal("command_failed", result.Error.Code);
    }

    [Fact]
    public void A_response_with_an_error_is_read_with_its_code_message_and_data()
    {
        var line = """{"jsonrpc":"2.0","id":4,"error":{"code":-32601,"message":"no such method","data":{"method":"nope"}}}"""u8;

        var parsed = JsonRpcMessage.TryParse(line, out var message, out var problem);

        Assert.True(parsed, problem);
        Assert.Equal(JsonRpcMessageKind.Response, message!.Kind);
        Assert.Equal(JsonRpcErrorCodes.MethodNotFound, message.Error!.Code);
        Assert.Equal("no such method", message.Error.Message);
        Assert.Equal("nope", message.Error.Data!.Value.GetProperty("method").GetString());
        Assert.Null(message.Result);
    }

    [Fact]
    public void A_response_whose_result_is_null_is_a_successful_response_with_no_result()
    {
        var line = """{"jsonrpc":"2.0","id":5,"result":null}"""u8;

        var parsed = JsonRpcMessage.TryParse(line, out var message, out var problem);

        Assert.True(parsed, problem);
        Assert.Equal(JsonRpcMessageKind.Response, message!.Kind);
        Assert.True(message.TryGetNumericId(out var id));
        Assert.Equal(5, id);
        Assert.Null(message.Error);
        Assert.Null(message.ReadResult(ProtocolJsonContext.Default.StepRunResult));
    }

    [Fact]
    public void A_string_id_is_kept_as_a_string_and_is_not_numeric()
    {
        var line = """{"jsonrpc":"2.0","id":"req-1","method":"initialize"}"""u8;

        var parsed = JsonRpcMessage.TryParse(line, out var message, out var problem);

        Assert.True(parsed, problem);
        Assert.Equal(JsonRpcMessageKind.Request, message!.Kind);
        Assert.Equal(JsonValueKind.String, message.Id!.Value.ValueKind);
        Assert.Equal("req-1", message.Id.Value.GetString());
        Assert.False(message.TryGetNumericId(out _));
    }

    [Fact]
    public void A_response_with_a_string_id_is_a_response()
    {
        var line = """{"jsonrpc":"2.0","id":"abc","result":{}}"""u8;

        var parsed = JsonRpcMessage.TryParse(line, out var message, out var problem);

        Assert.True(parsed, problem);
        Assert.Equal(JsonRpcMessageKind.Response, message!.Kind);
        Assert.Equal("abc", message.Id!.Value.GetString());
    }

    [Theory]
    [InlineData("Configuration received: {}")]
    [InlineData("{\"jsonrpc\":\"2.0\",")]
    [InlineData("[1, 2")]
    [InlineData("")]
    public void A_line_that_is_not_JSON_is_refused_as_not_JSON(string line)
    {
        var parsed = JsonRpcMessage.TryParse(Encoding.UTF8.GetBytes(line), out var message, out var problem);

        Assert.False(parsed);
        Assert.Null(message);
        Assert.StartsWith("not JSON (", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":1,"method":"initialize"}""")]
    [InlineData("""{"jsonrpc":"1.0","id":1,"method":"initialize"}""")]
    [InlineData("""{"json":"but not JSON-RPC"}""")]
    public void JSON_without_jsonrpc_two_point_oh_is_refused(string line)
    {
        var parsed = JsonRpcMessage.TryParse(Encoding.UTF8.GetBytes(line), out var message, out var problem);

        Assert.False(parsed);
        Assert.Null(message);
        Assert.Equal("JSON without \"jsonrpc\":\"2.0\"", problem);
    }

    [Theory]
    [InlineData("""{"jsonrpc":2.0,"id":1,"method":"initialize"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":5}""")]
    public void JSON_of_the_wrong_shape_is_refused_without_being_called_not_JSON(string line)
    {
        var parsed = JsonRpcMessage.TryParse(Encoding.UTF8.GetBytes(line), out var message, out var problem);

        Assert.False(parsed);
        Assert.Null(message);
        Assert.DoesNotContain("not JSON", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_message_with_neither_method_nor_id_is_refused()
    {
        var parsed = JsonRpcMessage.TryParse("""{"jsonrpc":"2.0","result":{}}"""u8, out var message, out var problem);

        Assert.False(parsed);
        Assert.Null(message);
        Assert.Equal("a JSON-RPC message with neither \"method\" nor \"id\"", problem);
    }

    [Fact]
    public void A_JSON_null_is_refused_as_not_a_message()
    {
        var parsed = JsonRpcMessage.TryParse("null"u8, out var message, out var problem);

        Assert.False(parsed);
        Assert.Null(message);
        Assert.Equal("a JSON null, not a message", problem);
    }

    [Fact]
    public async Task Each_message_is_one_line_of_JSON_with_jsonrpc_two_point_oh()
    {
        var stream = new MemoryStream();
        var writer = new JsonRpcWriter(stream);
        using var idDocument = JsonDocument.Parse("\"req-9\"");

        await writer.WriteRequestAsync(1, ProtocolMethods.StepCancel, new StepCancelParams("a"), ProtocolJsonContext.Default.StepCancelParams);
        await writer.WriteNotificationAsync(ProtocolMethods.Log, new LogParams { Message = "two\nlines" }, ProtocolJsonContext.Default.LogParams);
        await writer.WriteResultAsync(idDocument.RootElement, new StepRunResult(), ProtocolJsonContext.Default.StepRunResult);
        await writer.WriteErrorAsync(null, new JsonRpcError { Code = JsonRpcErrorCodes.ParseError, Message = "bad" });
        await writer.Complete();

        var text = Encoding.UTF8.GetString(stream.ToArray());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        var lines = text[..^1].Split('\n');
        Assert.Equal(4, lines.Length);
        var messages = lines.Select(line => JsonDocument.Parse(line).RootElement).ToList();
        Assert.All(messages, message => Assert.Equal("2.0", message.GetProperty("jsonrpc").GetString()));
        Assert.Equal(1, messages[0].GetProperty("id").GetInt64());
        Assert.Equal("step/cancel", messages[0].GetProperty("method").GetString());
        Assert.Equal("a", messages[0].GetProperty("params").GetProperty("stepId").GetString());
        Assert.False(messages[1].TryGetProperty("id", out _));
        Assert.Equal("two\nlines", messages[1].GetProperty("params").GetProperty("message").GetString());
        Assert.Equal("req-9", messages[2].GetProperty("id").GetString());
        Assert.Equal("succeeded", messages[2].GetProperty("result").GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, messages[3].GetProperty("id").ValueKind);
        Assert.Equal(JsonRpcErrorCodes.ParseError, messages[3].GetProperty("error").GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task What_the_writer_writes_the_parser_reads_back()
    {
        var stream = new MemoryStream();
        var writer = new JsonRpcWriter(stream);

        await writer.WriteRequestAsync(42, ProtocolMethods.StepCancel, new StepCancelParams("s1"), ProtocolJsonContext.Default.StepCancelParams);
        await writer.Complete();

        var line = stream.ToArray().AsSpan()[..^1];
        Assert.True(JsonRpcMessage.TryParse(line, out var message, out var problem), problem);
        Assert.Equal(JsonRpcMessageKind.Request, message.Kind);
        Assert.True(message.TryGetNumericId(out var id));
        Assert.Equal(42, id);
        Assert.Equal(new StepCancelParams("s1"), message.ReadParams(ProtocolJsonContext.Default.StepCancelParams));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Concurrent_writers_never_interleave_their_messages(bool writeSynchronously)
    {
        const int Writers = 50;
        const int MessagesEach = 100;
        var stream = new TearingStream();
        var writer = new JsonRpcWriter(stream, writeSynchronously);

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(task => Task.Run(async () =>
        {
            for (var n = 0; n < MessagesEach; n++)
            {
                var log = new LogParams { Message = $"writer {task} message {n} " + new string('x', n), StepId = $"{task}:{n}" };
                await writer.WriteNotificationAsync(ProtocolMethods.Log, log, ProtocolJsonContext.Default.LogParams);
            }
        })));
        await writer.Complete();

        var lines = Encoding.UTF8.GetString(stream.Written).Split('\n');
        Assert.Equal(string.Empty, lines[^1]);
        var stepIds = new List<string>();
        foreach (var line in lines[..^1])
        {
            Assert.True(JsonRpcMessage.TryParse(Encoding.UTF8.GetBytes(line), out var message, out var problem), $"{problem}: {line}");
            stepIds.Add(message.ReadParams(ProtocolJsonContext.Default.LogParams)!.StepId!);
        }

        var expected = Enumerable.Range(0, Writers).SelectMany(task => Enumerable.Range(0, MessagesEach).Select(n => $"{task}:{n}"));
        Assert.Equal(expected.Order(StringComparer.Ordinal), stepIds.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void A_synchronous_writer_has_written_and_flushed_the_message_when_it_returns()
    {
        var stream = new MemoryStream();
        var writer = new JsonRpcWriter(stream, writeSynchronously: true);

        var written = writer.WriteNotificationAsync(ProtocolMethods.Log, new LogParams { Message = "now" }, ProtocolJsonContext.Default.LogParams);

        Assert.True(written.IsCompletedSuccessfully);
        Assert.Equal("""{"jsonrpc":"2.0","method":"log","params":{"level":"info","message":"now"}}""" + "\n", Encoding.UTF8.GetString(stream.ToArray()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Writing_after_Complete_throws_IOException(bool writeSynchronously)
    {
        var stream = new MemoryStream();
        var writer = new JsonRpcWriter(stream, writeSynchronously);
        await writer.WriteNotificationAsync(ProtocolMethods.Log, new LogParams { Message = "before" }, ProtocolJsonContext.Default.LogParams);

        await writer.Complete();

        await Assert.ThrowsAsync<IOException>(() => writer.WriteNotificationAsync(ProtocolMethods.Log, new LogParams { Message = "after" }, ProtocolJsonContext.Default.LogParams));
        await Assert.ThrowsAsync<IOException>(() => writer.WriteRequestAsync(2, ProtocolMethods.Shutdown, new ShutdownParams(), ProtocolJsonContext.Default.ShutdownParams));
        Assert.False(stream.CanWrite);
        Assert.Single(Encoding.UTF8.GetString(stream.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public async Task Complete_twice_and_dispose_after_complete_do_not_throw()
    {
        var writer = new JsonRpcWriter(new MemoryStream());

        await writer.Complete();
        await writer.Complete();
        await writer.DisposeAsync();

        await Assert.ThrowsAsync<IOException>(() => writer.WriteErrorAsync(null, new JsonRpcError { Code = 1, Message = "late" }));
    }

    [Theory]
    [InlineData(new[] { 1, 2, 3 }, new[] { 2, 3, 4 }, 3)]
    [InlineData(new[] { 3, 1, 2 }, new[] { 2, 1 }, 2)]
    [InlineData(new[] { 1 }, new[] { 1 }, 1)]
    public void Negotiation_picks_the_newest_version_both_sides_speak(int[] offered, int[] supported, int expected)
    {
        var chosen = ProtocolVersions.Negotiate(offered, supported);

        Assert.Equal(expected, chosen);
    }

    [Theory]
    [InlineData(new[] { 7 }, new[] { 1 })]
    [InlineData(new int[0], new[] { 1 })]
    [InlineData(new[] { 1, 2 }, new int[0])]
    public void Negotiation_gives_null_when_the_sides_share_no_version(int[] offered, int[] supported)
    {
        var chosen = ProtocolVersions.Negotiate(offered, supported);

        Assert.Null(chosen);
    }

    [Fact]
    public void This_library_negotiates_its_current_version_with_itself()
    {
        Assert.Equal(ProtocolVersions.Current, ProtocolVersions.Negotiate(ProtocolVersions.Supported, ProtocolVersions.Supported));
        Assert.Equal(ProtocolVersions.Current, ProtocolVersions.Supported[0]);
    }

    [Fact]
    public void A_log_without_a_level_is_info()
    {
        var log = JsonSerializer.Deserialize("""{"message":"x"}""", ProtocolJsonContext.Default.LogParams);

        Assert.Equal(LogLevels.Info, log!.Level);
        Assert.Equal("x", log.Message);
        Assert.Null(log.StepId);
    }

    [Fact]
    public void An_empty_step_result_is_a_success_with_no_outputs()
    {
        var result = JsonSerializer.Deserialize("{}", ProtocolJsonContext.Default.StepRunResult);

        Assert.Equal(StepResultStatus.Succeeded, result!.Status);
        Assert.NotNull(result.Outputs);
        Assert.Empty(result.Outputs);
        Assert.Null(result.Error);
    }

    [Theory]
    [InlineData("""{"protocolVersion":1,"plugin":{"name":"p","version":"1.0"}}""")]
    [InlineData("""{"protocolVersion":1,"plugin":{"name":"p","version":"1.0"},"capabilities":{}}""")]
    [InlineData("""{"protocolVersion":1,"plugin":{"name":"p","version":"1.0"},"capabilities":{"cancel":true,"futureThing":3}}""")]
    public void An_initialize_result_without_max_concurrency_allows_one_step_at_a_time(string json)
    {
        var result = JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.InitializeResult);

        Assert.Equal(1, result!.ProtocolVersion);
        Assert.Equal(new PeerInfo("p", "1.0"), result.Plugin);
        Assert.NotNull(result.Capabilities);
        Assert.Equal(1, result.Capabilities.MaxConcurrency);
        Assert.False(result.Capabilities.Warm);
    }

    [Fact]
    public void An_initialize_result_with_declares_round_trips_its_variables_and_outputs()
    {
        var result = new InitializeResult
        {
            ProtocolVersion = 1,
            Plugin = new PeerInfo("p", "1.0"),
            Declares = new PluginDeclarations { Variables = ["region", "build-id"], Outputs = [] },
        };

        var json = JsonSerializer.Serialize(result, ProtocolJsonContext.Default.InitializeResult);
        var read = JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.InitializeResult);

        Assert.Contains("\"declares\":{\"variables\":[\"region\",\"build-id\"],\"outputs\":[]}", json, StringComparison.Ordinal);
        Assert.Equal(["region", "build-id"], read!.Declares!.Variables);
        Assert.Empty(read.Declares.Outputs!);
    }

    [Theory]
    [InlineData("""{"protocolVersion":1,"plugin":{"name":"p","version":"1.0"}}""", false)]
    [InlineData("""{"protocolVersion":1,"plugin":{"name":"p","version":"1.0"},"declares":{}}""", true)]
    [InlineData("""{"protocolVersion":1,"plugin":{"name":"p","version":"1.0"},"declares":{"outputs":["x"],"futureThing":1}}""", true)]
    public void An_initialize_result_may_leave_out_declares_or_either_list_which_are_then_unknown(string json, bool hasDeclares)
    {
        var result = JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.InitializeResult);

        Assert.Equal(hasDeclares, result!.Declares is not null);
        Assert.Null(result.Declares?.Variables);
    }

    [Fact]
    public void An_initialize_result_without_declares_writes_none()
    {
        var json = JsonSerializer.Serialize(new InitializeResult { ProtocolVersion = 1, Plugin = new PeerInfo("p", "1.0") }, ProtocolJsonContext.Default.InitializeResult);

        Assert.DoesNotContain("declares", json, StringComparison.Ordinal);
    }

    [Fact]
    public void Step_run_params_without_parallel_or_variables_get_a_single_instance_and_no_variables()
    {
        var parameters = JsonSerializer.Deserialize("""{"runId":"r","stepId":"s","step":"build","config":{"a":1}}""", ProtocolJsonContext.Default.StepRunParams);

        Assert.Equal("build", parameters!.Step);
        Assert.Equal(1, parameters.Config.GetProperty("a").GetInt32());
        Assert.False(parameters.Parallel.Enabled);
        Assert.Equal(1, parameters.Parallel.Instances);
        Assert.Empty(parameters.Parallel.Siblings);
        Assert.Empty(parameters.Variables);
    }

    [Fact]
    public void A_partial_parallel_object_keeps_the_defaults_of_its_missing_members()
    {
        var parameters = JsonSerializer.Deserialize("""{"runId":"r","stepId":"s","step":"t","config":{},"parallel":{"enabled":true,"group":2}}""", ProtocolJsonContext.Default.StepRunParams);

        Assert.True(parameters!.Parallel.Enabled);
        Assert.Equal(2, parameters.Parallel.Group);
        Assert.Equal(1, parameters.Parallel.Instances);
        Assert.NotNull(parameters.Parallel.Siblings);
        Assert.Empty(parameters.Parallel.Siblings);
    }

    /// <summary>A write-only stream that writes each buffer in two halves with a yield between, so unserialised writers would interleave.</summary>
    private sealed class TearingStream : Stream
    {
        private readonly MemoryStream _inner = new();

        public byte[] Written => _inner.ToArray();

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => _inner.Length;

        public override long Position
        {
            get => _inner.Position;
            set => throw new NotSupportedException();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var half = buffer.Length / 2;
            _inner.Write(buffer.Span[..half]);
            await Task.Yield();
            _inner.Write(buffer.Span[half..]);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Write(byte[] buffer, int offset, int count) => _inner.Write(buffer, offset, count);

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
