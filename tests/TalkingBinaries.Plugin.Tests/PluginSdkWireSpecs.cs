using System.Text.Json;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Plugin.Tests;

/// <summary>
/// The SDK's edges as a host sees them on the wire: requests out of order or unknown, a version it does not speak,
/// a line over the limit, and where step handlers run. Only stdin, stdout, stderr and the exit code are looked at.
/// </summary>
public sealed class PluginSdkWireSpecs : IAsyncLifetime
{
    private const int MaxLineBytes = 16 * 1024 * 1024;

    private readonly CancellationToken _deadline = Deadline.After(60);
    private readonly List<WirePlugin> _plugins = [];

    public Task InitializeAsync() => Task.CompletedTask;

    /// <summary>Every spec ends with none of its plugins still alive.</summary>
    public async Task DisposeAsync()
    {
        foreach (var plugin in _plugins)
        {
            await plugin.DisposeAsync();
        }

        Assert.Empty(await ProcessTable.SurvivorsAsync(_plugins.Select(plugin => plugin.Pid)));
    }

    [Fact]
    public async Task A_step_run_before_initialize_is_refused_as_an_invalid_request_and_the_plugin_keeps_serving()
    {
        var plugin = Start(SdkTestPlugin);

        await plugin.SendAsync(Wire.StepRun(1, "early", """{"mode":"sleep","count":0}"""), _deadline);
        var refused = await plugin.ReadResponseAsync(_deadline);
        await plugin.InitializeAsync(2, _deadline);
        await plugin.SendAsync(Wire.StepRun(3, "later", """{"mode":"sleep","count":0}"""), _deadline);
        var served = await plugin.ReadResponseAsync(_deadline);
        var exit = await plugin.EndAsync(_deadline);

        Wire.Error(refused, 1, -32600);
        Assert.Equal("succeeded", Wire.Result(served, 3).GetProperty("status").GetString());
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task An_unknown_request_is_answered_method_not_found_naming_the_method_and_the_plugin_keeps_serving()
    {
        var plugin = Start(SdkTestPlugin);
        await plugin.InitializeAsync(1, _deadline);

        await plugin.SendAsync("""{"jsonrpc":"2.0","id":2,"method":"tests/no-such-method","params":{}}""", _deadline);
        var refused = await plugin.ReadResponseAsync(_deadline);
        await plugin.SendAsync(Wire.StepRun(3, "after", """{"mode":"sleep","count":0}"""), _deadline);
        var served = await plugin.ReadResponseAsync(_deadline);
        var exit = await plugin.EndAsync(_deadline);

        Assert.Contains("tests/no-such-method", Wire.Error(refused, 2, -32601), StringComparison.Ordinal);
        Assert.Equal("succeeded", Wire.Result(served, 3).GetProperty("status").GetString());
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task An_unknown_notification_is_ignored_and_the_plugin_keeps_serving()
    {
        var plugin = Start(SdkTestPlugin);
        await plugin.InitializeAsync(1, _deadline);

        await plugin.SendAsync("""{"jsonrpc":"2.0","method":"tests/no-such-notification","params":{"x":1}}""", _deadline);
        await plugin.SendAsync(Wire.StepRun(2, "after", """{"mode":"sleep","count":0}"""), _deadline);
        var next = await plugin.ReadResponseAsync(_deadline);
        var exit = await plugin.EndAsync(_deadline);

        // The first response after the notification is the step's: nothing answered the notification.
        Assert.Equal("succeeded", Wire.Result(next, 2).GetProperty("status").GetString());
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task An_initialize_offering_only_a_version_the_plugin_does_not_speak_gets_error_32000_naming_both_lists()
    {
        var plugin = Start(SdkTestPlugin);

        await plugin.SendAsync(Wire.Initialize(1, 99), _deadline);
        var refused = await plugin.ReadResponseAsync(_deadline);
        var exit = await plugin.EndAsync(_deadline);

        var message = Wire.Error(refused, 1, -32000);
        Assert.Contains("[1]", message, StringComparison.Ordinal);
        Assert.Contains("[99]", message, StringComparison.Ordinal);
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task A_request_from_the_host_over_16_MiB_is_answered_with_error_32001_and_the_next_request_is_served()
    {
        var plugin = Start(SdkTestPlugin);
        await plugin.InitializeAsync(1, _deadline);

        // A well-formed step/run, one byte over the limit: dropped unread, but its id comes first, so it is answered.
        await plugin.SendAsync(Wire.PaddedStepRun(2, "too-long", MaxLineBytes + 1), _deadline);
        await plugin.SendAsync(Wire.StepRun(3, "after", """{"mode":"sleep","count":0}"""), _deadline);
        var refused = await plugin.ReadResponseAsync(_deadline);
        var next = await plugin.ReadResponseAsync(_deadline);
        var exit = await plugin.EndAsync(_deadline);

        Assert.Contains($"it is a line of {MaxLineBytes + 1} bytes, over the protocol's limit of {MaxLineBytes} bytes", Wire.Error(refused, 2, -32001), StringComparison.Ordinal);
        Assert.Equal("succeeded", Wire.Result(next, 3).GetProperty("status").GetString());
        Assert.Contains(plugin.StderrLines, line => line.Contains("dropped", StringComparison.Ordinal));
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task A_plugin_whose_step_ignores_cancellation_still_exits_within_its_grace_once_stdin_closes()
    {
        var plugin = Start(SdkTestPlugin);
        await plugin.InitializeAsync(1, _deadline);
        await plugin.SendAsync(Wire.StepRun(2, "stubborn", """{"mode":"ignore-cancel"}"""), _deadline);
        await plugin.ReadUntilAsync(message => Wire.IsLog(message, "stubborn", "ignoring cancellation"), _deadline);

        // As when the host is killed: stdin closes without shutdown. The default grace is 5 s.
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var exit = await plugin.EndAsync(_deadline);
        clock.Stop();

        Assert.Equal(3, exit);
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(4.5), TimeSpan.FromSeconds(15));
        Assert.Contains(plugin.StderrLines, line => line.Contains("stdin closed and a step ignored its cancellation for 5 s; exiting without its answer", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_line_of_exactly_16_MiB_is_read_whole_and_served()
    {
        var plugin = Start(SdkTestPlugin);
        await plugin.InitializeAsync(1, _deadline);

        await plugin.SendAsync(Wire.PaddedStepRun(2, "at-limit", MaxLineBytes), _deadline);
        var served = await plugin.ReadResponseAsync(_deadline);
        var exit = await plugin.EndAsync(_deadline);

        Assert.Equal("succeeded", Wire.Result(served, 2).GetProperty("status").GetString());
        Assert.DoesNotContain(plugin.StderrLines, line => line.Contains("dropped", StringComparison.Ordinal));
        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task A_plugin_with_inline_steps_serves_steps_sent_back_to_back_each_with_its_own_log_and_outputs()
    {
        // The bundled echo plugin sets PluginOptions.InlineSteps: its handlers start on the thread that reads stdin.
        var plugin = Start(TestExecutables.Echo);
        await plugin.InitializeAsync(1, _deadline);
        var ids = Enumerable.Range(2, 50).ToList();

        foreach (var id in ids)
        {
            await plugin.SendAsync(Wire.StepRun(id, $"s{id}", $$"""{"say":"message {{id}}"}"""), _deadline);
        }

        var answers = new List<JsonElement>();
        while (answers.Count < ids.Count)
        {
            answers.Add(await plugin.ReadResponseAsync(_deadline));
        }

        var exit = await plugin.EndAsync(_deadline);

        Assert.Equal(ids, answers.Select(answer => answer.GetProperty("id").GetInt32()).Order());
        var received = plugin.Received.ToList();
        foreach (var id in ids)
        {
            var answer = received.FindIndex(message => Wire.IsResponse(message) && message.GetProperty("id").GetInt32() == id);
            var result = Wire.Result(received[answer], id);
            Assert.Equal("succeeded", result.GetProperty("status").GetString());
            Assert.Equal($"message {id}", result.GetProperty("outputs").GetProperty("said").GetString());

            // The step's log line comes before its answer.
            var log = received.FindIndex(message => Wire.IsLog(message, $"s{id}", $"message {id}"));
            Assert.InRange(log, 0, answer - 1);
        }

        Assert.Equal(0, exit);
    }

    [Fact]
    public async Task Without_inline_steps_a_handler_that_blocks_its_thread_keeps_neither_the_next_step_nor_its_cancel_from_being_read()
    {
        var plugin = Start(SdkTestPlugin);
        await plugin.InitializeAsync(1, _deadline);
        await plugin.SendAsync(Wire.StepRun(2, "blocker", """{"mode":"block-until-cancel"}"""), _deadline);
        await plugin.ReadUntilAsync(message => Wire.IsLog(message, "blocker", "waiting for cancellation"), _deadline);

        await plugin.SendAsync(Wire.StepRun(3, "next", """{"mode":"sleep","count":0}"""), _deadline);
        var next = await plugin.ReadResponseAsync(_deadline);
        await plugin.SendAsync(Wire.StepCancel("blocker"), _deadline);
        var cancelled = await plugin.ReadResponseAsync(_deadline);
        var exit = await plugin.EndAsync(_deadline);

        Assert.Equal("succeeded", Wire.Result(next, 3).GetProperty("status").GetString());
        Assert.Equal("cancelled", Wire.Result(cancelled, 2).GetProperty("status").GetString());
        Assert.Equal(0, exit);
    }

    private static string SdkTestPlugin => TestExecutables.Get("tb-sdk-test-plugin");

    private WirePlugin Start(string executable)
    {
        var plugin = WirePlugin.Start(executable);
        _plugins.Add(plugin);
        return plugin;
    }
}
