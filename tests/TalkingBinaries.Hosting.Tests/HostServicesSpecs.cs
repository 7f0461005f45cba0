using System.Collections.Concurrent;
using System.Text.Json;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Hosting.Tests;

/// <summary>What a host offers its plugins, typed: no method names or wire error codes above Hosting.</summary>
public sealed class HostServicesSpecs
{
    private readonly CancellationToken _deadline = Deadline.After();

    [Fact]
    public async Task A_plugin_asks_and_the_host_answers_with_its_variables_and_steps()
    {
        var services = new Answering();

        var (result, _) = await RunAsync(services, "read-var");

        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        Assert.Equal("from the host", result.Outputs["variable"].GetString());
        Assert.Equal("succeeded", result.Outputs["producerStatus"].GetString());
        Assert.Equal(["artifact"], result.Outputs["producerOutputs"].EnumerateArray().Select(item => item.GetString()));
        Assert.Equal([("wanted", "reader"), ("producer", "reader")], services.Questions);
    }

    [Fact]
    public async Task A_host_that_offers_nothing_refuses_the_plugins_questions_as_method_not_found()
    {
        var (result, _) = await RunAsync(HostServices.None, "read-var");

        Assert.Equal(StepResultStatus.Failed, result.Status);
        Assert.Contains("this host does not offer 'vars/get'", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("JSON-RPC error -32601", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_service_that_throws_fails_the_plugins_question_not_the_host()
    {
        var (result, _) = await RunAsync(new Throwing(), "read-var");

        Assert.Equal(StepResultStatus.Failed, result.Status);
        Assert.Contains("the variables are unavailable", result.Error!.Message, StringComparison.Ordinal);
        Assert.Contains("JSON-RPC error -32603", result.Error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Variables_and_secrets_a_plugin_sets_reach_the_host_as_typed_events()
    {
        var services = new Answering();

        var (result, pid) = await RunAsync(services, "set-var");

        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        var variables = services.Events.OfType<PluginVariableEvent>().ToList();
        Assert.Equal([("plain", false), ("hidden", true)], variables.Select(variable => (variable.Name, variable.Secret)));
        Assert.All(variables, variable => Assert.Equal((pid, "reader"), (variable.Pid, variable.StepId)));
        Assert.Equal("runtime-secret", Assert.Single(services.Events.OfType<PluginSecretEvent>()).Value);
    }

    private async Task<(StepRunResult Result, int Pid)> RunAsync(HostServices services, string mode)
    {
        await using var plugin = PluginProcess.Start(
            new PluginCommand { ExecutablePath = TestExecutables.Get("tb-sdk-test-plugin"), Name = "sdk-test" },
            PluginHarness.Options,
            services);
        await plugin.InitializeAsync(_deadline);
        var result = await plugin.RunStepAsync(PluginHarness.Step("reader", $$"""{"mode":"{{mode}}"}"""), _deadline);
        var exit = await plugin.StopAsync(_deadline);

        Assert.Equal(0, exit.Code);
        Assert.Empty(await ProcessTable.SurvivorsAsync([plugin.Pid]));
        return (result, plugin.Pid);
    }

    private sealed class Answering : HostServices
    {
        public ConcurrentQueue<(string Asked, string? By)> AskedQueue { get; } = new();

        public IReadOnlyList<(string, string?)> Questions => [.. AskedQueue];

        public ConcurrentQueue<PluginEvent> Events { get; } = new();

        public override void OnEvent(PluginEvent pluginEvent) => Events.Enqueue(pluginEvent);

        public override Task<JsonElement?> GetVariableAsync(string name, string? stepId, CancellationToken cancellationToken)
        {
            AskedQueue.Enqueue((name, stepId));
            return Task.FromResult<JsonElement?>(JsonDocument.Parse("\"from the host\"").RootElement.Clone());
        }

        public override Task<StepsGetResult> GetStepAsync(string step, string? stepId, CancellationToken cancellationToken)
        {
            AskedQueue.Enqueue((step, stepId));
            return Task.FromResult(new StepsGetResult
            {
                Finished = true,
                Status = "succeeded",
                Outputs = new Dictionary<string, JsonElement> { ["artifact"] = JsonDocument.Parse("1").RootElement.Clone() },
            });
        }
    }

    private sealed class Throwing : HostServices
    {
        public override Task<JsonElement?> GetVariableAsync(string name, string? stepId, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("the variables are unavailable");
    }
}
