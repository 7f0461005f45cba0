using System.Collections.Concurrent;
using System.IO.Pipes;
using System.Text;
using System.Text.Json;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Protocol.Tests;

/// <summary>Two peers over real OS pipes, one playing the host and one the plugin: the one engine serves both sides.</summary>
public sealed class JsonRpcPeerSpecs : IAsyncLifetime
{
    private readonly CancellationToken _deadline = Deadline.After();
    private readonly ConcurrentQueue<JsonRpcProblem> _hostProblems = new();
    private readonly ConcurrentQueue<JsonRpcProblem> _pluginProblems = new();
    private readonly AnonymousPipeServerStream _hostToPlugin = new(PipeDirection.Out);
    private readonly AnonymousPipeServerStream _pluginToHost = new(PipeDirection.Out);
    private Stream _pluginInput = null!;
    private Stream _hostInput = null!;
    private JsonRpcPeer? _host;
    private JsonRpcPeer? _plugin;

    public Task InitializeAsync()
    {
        _pluginInput = new AnonymousPipeClientStream(PipeDirection.In, _hostToPlugin.ClientSafePipeHandle);
        _hostInput = new AnonymousPipeClientStream(PipeDirection.In, _pluginToHost.ClientSafePipeHandle);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }

        if (_plugin is not null)
        {
            await _plugin.DisposeAsync();
        }
    }

    [Fact]
    public async Task Either_side_asks_and_the_other_answers_through_its_handler()
    {
        var host = Host(peer => peer.HandleRequest(ProtocolMethods.VarsGet, ProtocolJsonContext.Default.VarsGetParams, ProtocolJsonContext.Default.VarsGetResult, (request, _) =>
            Task.FromResult(new VarsGetResult { Defined = true, Value = JsonSerializer.SerializeToElement($"value of {request!.Name}", ProtocolJsonContext.Default.String) })));
        var plugin = Plugin(peer => peer.HandleRequest(ProtocolMethods.StepRun, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, async (step, _) =>
        {
            await Task.Yield();
            return new StepRunResult { Outputs = new Dictionary<string, JsonElement> { ["step"] = JsonSerializer.SerializeToElement(step!.Step, ProtocolJsonContext.Default.String) } };
        }));

        var answer = await host.RequestAsync(ProtocolMethods.StepRun, Step("build"), ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, _deadline);
        var question = await plugin.RequestAsync(ProtocolMethods.VarsGet, new VarsGetParams { Name = "who" }, ProtocolJsonContext.Default.VarsGetParams, ProtocolJsonContext.Default.VarsGetResult, _deadline);

        Assert.Equal("build", answer!.Outputs["step"].GetString());
        Assert.Equal("value of who", question!.Value!.Value.GetString());
    }

    [Fact]
    public async Task Many_requests_in_flight_each_get_their_own_answer_whatever_the_order_of_answers()
    {
        var random = new Random(7);
        var host = Host();
        Plugin(peer => peer.HandleRequest(ProtocolMethods.StepRun, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, async (step, closed) =>
        {
            await Task.Delay(random.Next(0, 20), closed);
            return new StepRunResult { Outputs = new Dictionary<string, JsonElement> { ["step"] = JsonSerializer.SerializeToElement(step!.Step, ProtocolJsonContext.Default.String) } };
        }));

        var names = Enumerable.Range(0, 100).Select(i => $"step{i}").ToList();
        var answers = await Task.WhenAll(names.Select(name => host.RequestAsync(ProtocolMethods.StepRun, Step(name), ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, _deadline)));

        Assert.Equal(names, answers.Select(answer => answer!.Outputs["step"].GetString()));
    }

    [Fact]
    public async Task A_handler_refusing_with_an_error_and_a_handler_failing_give_the_asker_errors_it_can_read()
    {
        var host = Host();
        Plugin(peer =>
        {
            peer.HandleRequest(ProtocolMethods.StepRun, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, (_, _) =>
                throw new JsonRpcRemoteException(JsonRpcErrorCodes.InvalidRequest, "not now"));
            peer.HandleRequest(ProtocolMethods.Initialize, ProtocolJsonContext.Default.InitializeParams, ProtocolJsonContext.Default.InitializeResult, (_, _) =>
                Task.FromException<InitializeResult>(new InvalidOperationException("the handler broke")));
        });

        var refused = await Assert.ThrowsAsync<JsonRpcRemoteException>(() => host.RequestAsync(ProtocolMethods.StepRun, Step("s"), ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, _deadline));
        var broken = await Assert.ThrowsAsync<JsonRpcRemoteException>(() => host.RequestAsync(ProtocolMethods.Initialize, new InitializeParams { ProtocolVersions = [1], Host = new PeerInfo("h", "1") }, ProtocolJsonContext.Default.InitializeParams, ProtocolJsonContext.Default.InitializeResult, _deadline));

        Assert.Equal((JsonRpcErrorCodes.InvalidRequest, "not now"), (refused.Error.Code, refused.Error.Message));
        Assert.Equal((JsonRpcErrorCodes.InternalError, "the handler broke"), (broken.Error.Code, broken.Error.Message));
    }

    [Fact]
    public async Task An_unknown_method_and_unreadable_params_are_answered_with_their_codes()
    {
        var host = Host();
        Plugin(
            peer => peer.HandleRequest(ProtocolMethods.VarsGet, ProtocolJsonContext.Default.VarsGetParams, ProtocolJsonContext.Default.VarsGetResult, (_, _) => Task.FromResult(new VarsGetResult()), "vars/get needs a name"),
            options => options with { DescribeUnknownMethod = method => $"no '{method}' here" });

        var unknown = await Assert.ThrowsAsync<JsonRpcRemoteException>(() => host.RequestAsync("frob/nicate", new ShutdownParams(), ProtocolJsonContext.Default.ShutdownParams, ProtocolJsonContext.Default.ShutdownParams, _deadline));
        var invalid = await Assert.ThrowsAsync<JsonRpcRemoteException>(() => host.RequestAsync(ProtocolMethods.VarsGet, new ShutdownParams(), ProtocolJsonContext.Default.ShutdownParams, ProtocolJsonContext.Default.VarsGetResult, _deadline));

        Assert.Equal((JsonRpcErrorCodes.MethodNotFound, "no 'frob/nicate' here"), (unknown.Error.Code, unknown.Error.Message));
        Assert.Equal((JsonRpcErrorCodes.InvalidParams, "vars/get needs a name"), (invalid.Error.Code, invalid.Error.Message));
    }

    [Fact]
    public async Task Notifications_arrive_in_order_and_unreadable_ones_are_reported_not_handled()
    {
        var received = new List<string>();
        var done = new TaskCompletionSource();
        var host = Host(peer => peer.HandleNotification(ProtocolMethods.Log, ProtocolJsonContext.Default.LogParams, log =>
        {
            received.Add(log!.Message);
            if (log.Message == "last")
            {
                done.SetResult();
            }
        }));
        var plugin = Plugin();

        foreach (var message in Enumerable.Range(0, 500).Select(i => $"line {i}").Append("last"))
        {
            Assert.True(await plugin.NotifyAsync(ProtocolMethods.Log, new LogParams { Message = message }, ProtocolJsonContext.Default.LogParams, _deadline));
            if (message == "line 250")
            {
                await WriteRawToHostAsync("""{"jsonrpc":"2.0","method":"log","params":{"message":42}}""");
            }
        }

        await done.Task.WaitAsync(_deadline);

        Assert.Equal(Enumerable.Range(0, 500).Select(i => $"line {i}").Append("last"), received);
        var problem = Assert.Single(_hostProblems);
        Assert.Equal((JsonRpcProblemKind.UnreadableParams, "log"), (problem.Kind, problem.Method));
        Assert.NotNull(host);
    }

    [Fact]
    public async Task A_line_that_is_not_a_message_is_reported_with_its_text_and_answered_when_the_peer_answers_such_lines()
    {
        Host();
        var plugin = Plugin(options: options => options with { AnswerUnreadableLines = true });

        await WriteRawToPluginAsync("this is not JSON");
        while (_hostProblems.IsEmpty)
        {
            await Task.Delay(5, _deadline);
        }

        var seen = Assert.Single(_pluginProblems);
        Assert.Equal((JsonRpcProblemKind.UnreadableLine, "this is not JSON"), (seen.Kind, seen.Text));
        var answered = Assert.Single(_hostProblems);
        Assert.Equal(JsonRpcProblemKind.ErrorWithoutId, answered.Kind);
        Assert.Equal(JsonRpcErrorCodes.ParseError, answered.Error!.Code);
        Assert.NotNull(plugin);
    }

    [Fact]
    public async Task An_oversized_line_is_dropped_with_its_size_and_the_next_message_is_still_handled()
    {
        var host = Host(options: options => options with { MaxMessageBytes = 1024 });
        Plugin(peer => peer.HandleRequest(ProtocolMethods.StepRun, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, (_, _) => Task.FromResult(new StepRunResult())));
        var oversized = JsonSerializer.Serialize(new LogParams { Message = new string('x', 5000) }, ProtocolJsonContext.Default.LogParams);

        await WriteRawToHostAsync($$"""{"jsonrpc":"2.0","method":"log","params":{{oversized}}}""");
        var answer = await host.RequestAsync(ProtocolMethods.StepRun, Step("after"), ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, _deadline);

        Assert.Equal(StepResultStatus.Succeeded, answer!.Status);
        var problem = Assert.Single(_hostProblems);
        Assert.Equal(JsonRpcProblemKind.OversizedLine, problem.Kind);
        Assert.True(problem.Bytes > 5000, $"reported {problem.Bytes} bytes");
    }

    [Fact]
    public async Task A_request_waiting_when_the_other_side_closes_fails_and_so_does_every_later_one()
    {
        var host = Host();
        var plugin = Plugin(peer => peer.HandleRequest(ProtocolMethods.StepRun, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, (_, _) => new TaskCompletionSource<StepRunResult>().Task));
        var waiting = host.RequestAsync(ProtocolMethods.StepRun, Step("never answered"), ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, _deadline);

        await plugin.CloseOutputAsync();

        await Assert.ThrowsAsync<JsonRpcClosedException>(() => waiting);
        await host.Completion.WaitAsync(_deadline);
        await Assert.ThrowsAsync<JsonRpcClosedException>(() => host.RequestAsync(ProtocolMethods.StepRun, Step("too late"), ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, _deadline));
        Assert.True(host.Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task Requests_racing_the_end_of_the_conversation_all_end_none_waits_forever()
    {
        for (var round = 0; round < 50; round++)
        {
            await using var pair = new PeerPair();
            var requests = Enumerable.Range(0, 20).Select(i => Task.Run(() => pair.Host.RequestAsync(ProtocolMethods.StepRun, Step($"s{i}"), ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult))).ToList();
            await pair.Plugin.CloseOutputAsync();

            // Each request is either answered or fails as closed; a deadline here means one registered too late and hangs.
            foreach (var request in requests)
            {
                try
                {
                    await request.WaitAsync(_deadline);
                }
                catch (JsonRpcClosedException)
                {
                }
            }
        }
    }

    [Fact]
    public async Task WhenAnswered_waits_for_every_answer_under_way_before_output_may_close()
    {
        var release = new TaskCompletionSource<StepRunResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource();
        var host = Host();
        var plugin = Plugin(peer => peer.HandleRequest(ProtocolMethods.StepRun, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, (_, _) =>
        {
            started.SetResult();
            return release.Task;
        }));
        var request = host.RequestAsync(ProtocolMethods.StepRun, Step("slow"), ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, _deadline);
        await started.Task.WaitAsync(_deadline);

        var answered = plugin.WhenAnsweredAsync();
        Assert.False(answered.IsCompleted);
        release.SetResult(new StepRunResult { Status = StepResultStatus.Cancelled });
        await answered.WaitAsync(_deadline);
        await plugin.CloseOutputAsync();

        Assert.Equal(StepResultStatus.Cancelled, (await request)!.Status);
    }

    [Fact]
    public async Task Abandoning_fails_what_waits_even_though_the_input_stays_open()
    {
        var host = Host();
        Plugin(peer => peer.HandleRequest(ProtocolMethods.StepRun, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, (_, _) => new TaskCompletionSource<StepRunResult>().Task));
        var waiting = host.RequestAsync(ProtocolMethods.StepRun, Step("held"), ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, _deadline);

        await host.AbandonAsync().WaitAsync(_deadline);

        await Assert.ThrowsAsync<JsonRpcClosedException>(() => waiting);
        Assert.True(host.Completion.IsCompleted);
    }

    [Fact]
    public void Handlers_cannot_be_added_once_reading_has_started()
    {
        var host = Host();

        Assert.Throws<InvalidOperationException>(() => host.HandleNotification(ProtocolMethods.Log, ProtocolJsonContext.Default.LogParams, _ => { }));
    }

    private static StepRunParams Step(string name) => new() { RunId = "r", StepId = name, Step = name, Config = JsonDocument.Parse("{}").RootElement.Clone() };

    private JsonRpcPeer Host(Action<JsonRpcPeer>? register = null, Func<JsonRpcPeerOptions, JsonRpcPeerOptions>? options = null)
    {
        _host = new JsonRpcPeer(_hostInput, _hostToPlugin, (options ?? (o => o))(new JsonRpcPeerOptions { Name = "host", OnProblem = _hostProblems.Enqueue }));
        register?.Invoke(_host);
        _host.Start();
        return _host;
    }

    private JsonRpcPeer Plugin(Action<JsonRpcPeer>? register = null, Func<JsonRpcPeerOptions, JsonRpcPeerOptions>? options = null)
    {
        _plugin = new JsonRpcPeer(_pluginInput, _pluginToHost, (options ?? (o => o))(new JsonRpcPeerOptions { Name = "plugin", OnProblem = _pluginProblems.Enqueue, WriteSynchronously = true }));
        register?.Invoke(_plugin);
        _plugin.Start();
        return _plugin;
    }

    // Raw writes share the pipe with the peer's own writes; the specs make them when the peer is not writing.
    private async Task WriteRawToHostAsync(string line) => await _pluginToHost.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), _deadline);

    private async Task WriteRawToPluginAsync(string line) => await _hostToPlugin.WriteAsync(Encoding.UTF8.GetBytes(line + "\n"), _deadline);

    /// <summary>A host and a plugin peer of their own, for specs that need many conversations.</summary>
    private sealed class PeerPair : IAsyncDisposable
    {
        public PeerPair()
        {
            var hostToPlugin = new AnonymousPipeServerStream(PipeDirection.Out);
            var pluginToHost = new AnonymousPipeServerStream(PipeDirection.Out);
            Host = new JsonRpcPeer(new AnonymousPipeClientStream(PipeDirection.In, pluginToHost.ClientSafePipeHandle), hostToPlugin);
            Plugin = new JsonRpcPeer(new AnonymousPipeClientStream(PipeDirection.In, hostToPlugin.ClientSafePipeHandle), pluginToHost);
            Plugin.HandleRequest(ProtocolMethods.StepRun, ProtocolJsonContext.Default.StepRunParams, ProtocolJsonContext.Default.StepRunResult, (_, _) => Task.FromResult(new StepRunResult()));
            Host.Start();
            Plugin.Start();
        }

        public JsonRpcPeer Host { get; }

        public JsonRpcPeer Plugin { get; }

        public async ValueTask DisposeAsync()
        {
            await Host.DisposeAsync();
            await Plugin.DisposeAsync();
        }
    }
}
