using System.Collections.Concurrent;
using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Plugin.Tests;

public sealed class PluginSdkSpecs : IAsyncLifetime
{
    private readonly ConcurrentQueue<PluginEvent> _events = new();
    private readonly CancellationToken _deadline = Deadline.After();
    private PluginProcess _plugin = null!;

    public async Task InitializeAsync()
    {
        _plugin = PluginProcess.Start(
            new PluginCommand { ExecutablePath = TestExecutables.Get("tb-sdk-test-plugin"), Name = "sdk-test" },
            HostingOptions.Default with { Host = new PeerInfo("tests", "1"), StopGrace = TimeSpan.FromSeconds(2) },
            HostServices.ForEvents(_events.Enqueue));
        await _plugin.InitializeAsync(_deadline);
    }

    public async Task DisposeAsync()
    {
        await _plugin.StopAsync(_deadline);
        Assert.Empty(await ProcessTable.SurvivorsAsync([_plugin.Pid]));
        await _plugin.DisposeAsync();
    }

    [Fact]
    public void The_handshake_carries_the_plugins_name_version_and_capabilities()
    {
        Assert.Equal(new PeerInfo("sdk-test", "2.0.0"), _plugin.Handshake!.Plugin);
        Assert.Equal(1, _plugin.Handshake.ProtocolVersion);
        Assert.True(_plugin.Handshake.Capabilities.Cancel);
        Assert.Equal(4, _plugin.Handshake.Capabilities.MaxConcurrency);
        Assert.True(_plugin.Handshake.Capabilities.Warm);
    }

    [Fact]
    public void The_handshake_carries_the_variables_and_outputs_the_plugin_declares()
    {
        var declares = _plugin.Handshake!.Declares;

        Assert.NotNull(declares);
        Assert.Equal(["plain", "hidden"], declares.Variables);
        Assert.Contains("seen", declares.Outputs!);
        Assert.Contains("producerStatus", declares.Outputs!);
    }

    [Fact]
    public async Task Console_output_and_childrens_stdout_go_to_stderr_not_the_protocol_and_stdin_is_empty()
    {
        var result = await Run("""{"mode":"stray-console"}""");

        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        var stderr = Lines(PluginLogSource.Stderr);
        Assert.Contains("written with Console.WriteLine", stderr);
        Assert.Contains("written by a child to its stdout", stderr);
        Assert.Empty(Lines(PluginLogSource.StrayStdout));
        Assert.Equal(string.Empty, result.Outputs["stdin"].GetString());
    }

    [Fact]
    public async Task Outputs_logs_and_progress_reach_the_host_with_the_step_id()
    {
        var result = await Run("""{"mode":"outputs","count":3}""");

        Assert.Equal("value", result.Outputs["text"].GetString());
        Assert.Equal([1, 2, 3], result.Outputs["list"].EnumerateArray().Select(item => item.GetInt32()));
        Assert.Equal(3, result.Outputs["config"].GetProperty("count").GetInt32());
        var logs = _events.OfType<PluginLogEvent>().Where(line => line.Source == PluginLogSource.Protocol).ToList();
        Assert.Equal(["warn", "debug", "error"], logs.Select(line => line.Level));
        Assert.All(logs, line => Assert.Equal("sdk", line.StepId));
        Assert.Equal("parallel=False run=run-1 step=sdk id=sdk", logs[2].Text);
        var progress = Assert.Single(_events.OfType<PluginProgressEvent>());
        Assert.Equal(("almost", 0.9), (progress.Message, progress.Fraction));
    }

    [Fact]
    public async Task Variables_and_secrets_set_through_the_SDK_reach_the_host_and_variables_reach_the_step()
    {
        var result = await _plugin.RunStepAsync(
            new StepRunParams
            {
                RunId = "run-1",
                StepId = "sdk",
                Step = "sdk",
                Config = JsonDocument.Parse("""{"mode":"set-var"}""").RootElement.Clone(),
                Variables = new Dictionary<string, JsonElement> { ["given"] = JsonDocument.Parse("1").RootElement.Clone() },
            },
            _deadline);

        Assert.Equal(["given"], result.Outputs["seen"].EnumerateArray().Select(item => item.GetString()));
        var variables = _events.OfType<PluginVariableEvent>().ToList();
        Assert.Equal(["plain", "hidden"], variables.Select(variable => variable.Name));
        Assert.Equal("value", variables[0].Value.GetString());
        Assert.False(variables[0].Secret);
        Assert.Equal("shh", variables[1].Value.GetProperty("key").GetString());
        Assert.True(variables[1].Secret);
        Assert.All(variables, variable => Assert.Equal("sdk", variable.StepId));
        Assert.Equal("runtime-secret", Assert.Single(_events.OfType<PluginSecretEvent>()).Value);
    }

    [Fact]
    public async Task A_step_failed_exception_becomes_a_structured_failure()
    {
        var result = await Run("""{"mode":"fail"}""");

        Assert.Equal(StepResultStatus.Failed, result.Status);
        Assert.Equal("told to fail", result.Error!.Message);
        Assert.Equal("told", result.Error.Code);
        Assert.Equal(7, result.Error.Data!.Value.GetProperty("exitCode").GetInt32());
    }

    [Fact]
    public async Task An_unhandled_exception_fails_the_step_and_its_stack_goes_to_stderr()
    {
        var result = await Run("""{"mode":"throw"}""");

        Assert.Equal(StepResultStatus.Failed, result.Status);
        Assert.Equal("InvalidOperationException: boom", result.Error!.Message);
        Assert.Equal("unhandled_exception", result.Error.Code);
        Assert.Contains(Lines(PluginLogSource.Stderr), line => line.Contains("System.InvalidOperationException: boom", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_config_that_does_not_fit_the_plugins_type_fails_the_step_clearly()
    {
        var result = await Run("""{"count":"three"}""");

        Assert.Equal(StepResultStatus.Failed, result.Status);
        Assert.Equal("invalid_config", result.Error!.Code);
        Assert.StartsWith("the step's config does not fit this plugin:", result.Error.Message, StringComparison.Ordinal);
        Assert.Contains("$.count", result.Error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("wait-for-cancel")]
    [InlineData("block-until-cancel")]
    public async Task Step_cancel_fires_the_steps_cancellation_token_and_the_plugin_answers_cancelled(string mode)
    {
        using var cancel = new CancellationTokenSource();
        var running = Task.Run(() => Run($$"""{"mode":"{{mode}}"}""", cancel.Token));
        while (!_events.OfType<PluginLogEvent>().Any(line => line.Text == "waiting for cancellation"))
        {
            await Task.Delay(10, _deadline);
        }

        await cancel.CancelAsync();
        var result = await running;
        var exit = await _plugin.StopAsync(_deadline);

        Assert.Equal(StepResultStatus.Cancelled, result.Status);
        Assert.Equal("cancelled", result.Error!.Code);
        Assert.DoesNotContain(_events.OfType<PluginLogEvent>(), line => line.Source == PluginLogSource.Host);

        // The SDK stopped the step and exited by itself on shutdown: no signal was needed.
        Assert.Equal(0, exit.Code);
    }

    private Task<StepRunResult> Run(string config, CancellationToken cancellationToken = default) =>
        _plugin.RunStepAsync(
            new StepRunParams { RunId = "run-1", StepId = "sdk", Step = "sdk", Config = JsonDocument.Parse(config).RootElement.Clone() },
            cancellationToken == default ? _deadline : cancellationToken);

    private List<string> Lines(PluginLogSource source) =>
        _events.OfType<PluginLogEvent>().Where(line => line.Source == source).Select(line => line.Text).ToList();
}
