using System.Text.Json;
using System.Text.Json.Serialization;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Plugin.Tests;

/// <summary>StepHarness runs a plugin's step handler in-process, through the SDK's own step code, and records what it did.</summary>
public sealed class StepHarnessSpecs
{
    private static readonly Func<StepContext<GreetConfig>, CancellationToken, Task> Greet = async (step, cancellationToken) =>
    {
        step.LogInfo($"hello, {step.Config.Who}");
        step.ReportProgress("greeting", 0.5);
        step.SetOutput("greeted", step.Config.Who);
        if (step.Config.Fail)
        {
            throw new StepFailedException($"would not greet {step.Config.Who}", "refused") { ExitCode = 3 };
        }

        if (step.Config.Wait)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
        }

        if (step.Config.Crash)
        {
            throw new InvalidOperationException("a bug in the handler");
        }
    };

    [Fact]
    public async Task A_step_returns_its_outputs_logs_and_progress()
    {
        var harness = new StepHarness<GreetConfig>(GreetJson.Default.GreetConfig, Greet);

        var result = await harness.RunAsync("""{"who": "Ada"}""");

        Assert.Equal(StepResultStatus.Succeeded, result.Status);
        Assert.Equal("Ada", result.Outputs["greeted"].GetString());
        var log = Assert.Single(result.Logs);
        Assert.Equal((LogLevels.Info, "hello, Ada", "step"), (log.Level, log.Message, log.StepId));
        Assert.Equal(0.5, Assert.Single(result.Progress).Fraction);
        Assert.Null(result.Failure);
    }

    [Fact]
    public async Task A_config_left_out_reads_as_an_empty_object_with_the_types_defaults()
    {
        var harness = new StepHarness<GreetConfig>(GreetJson.Default.GreetConfig, Greet);

        var result = await harness.RunAsync();

        Assert.Equal("world", result.Outputs["greeted"].GetString());
    }

    [Fact]
    public async Task A_StepFailedException_fails_the_step_and_keeps_the_outputs_set_before_it()
    {
        var harness = new StepHarness<GreetConfig>(GreetJson.Default.GreetConfig, Greet);

        var result = await harness.RunAsync("""{"who": "Bob", "fail": true}""");

        Assert.Equal(StepResultStatus.Failed, result.Status);
        Assert.Equal("would not greet Bob", result.Failure?.Message);
        Assert.Equal(("would not greet Bob", "refused"), (result.Result.Error?.Message, result.Result.Error?.Code));
        Assert.Equal(3, result.Result.Error?.Data?.GetProperty("exitCode").GetInt32());
        Assert.Equal("Bob", result.Outputs["greeted"].GetString());
    }

    [Fact]
    public async Task A_config_that_does_not_fit_the_type_fails_with_invalid_config_before_the_handler_runs()
    {
        var harness = new StepHarness<GreetConfig>(GreetJson.Default.GreetConfig, Greet);

        var result = await harness.RunAsync("""{"who": 42}""");

        Assert.Equal(StepResultStatus.Failed, result.Status);
        Assert.Equal("invalid_config", result.Failure?.Code);
        Assert.Empty(result.Logs);
    }

    [Fact]
    public async Task Cancelling_the_token_is_step_cancel_and_the_step_answers_cancelled()
    {
        var harness = new StepHarness<GreetConfig>(GreetJson.Default.GreetConfig, Greet);
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        var result = await harness.RunAsync("""{"wait": true}""", cancel.Token);

        Assert.Equal(StepResultStatus.Cancelled, result.Status);
        Assert.Equal("cancelled", result.Result.Error?.Code);
    }

    [Fact]
    public async Task Another_exception_propagates_with_its_stack_trace()
    {
        var harness = new StepHarness<GreetConfig>(GreetJson.Default.GreetConfig, Greet);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => harness.RunAsync("""{"crash": true}"""));

        Assert.Equal("a bug in the handler", exception.Message);
    }

    [Fact]
    public async Task Variables_and_secrets_are_recorded_and_questions_are_answered_from_what_the_test_gives()
    {
        var harness = new StepHarness<GreetConfig>(GreetJson.Default.GreetConfig, async (step, cancellationToken) =>
        {
            var region = await step.GetVariableAsync("region", cancellationToken);
            step.SetVariable("token", "tok-1", secret: true);
            step.AddSecret("hunter2");
            var token = await step.GetVariableAsync("token", cancellationToken);
            var build = await step.GetStepAsync("build", cancellationToken);
            var other = await step.GetStepAsync("nowhere", cancellationToken);
            step.SetOutput("seen", $"{step.Variables["region"].GetString()} {region?.GetString()} {token?.GetString()} {build.Status} {build.Outputs["image"].GetString()} {other.Finished}");
        })
        {
            StepName = "deploy",
        };
        harness.Variables["region"] = JsonElement.Parse("\"eu-west-1\"");
        harness.Steps["build"] = new StepsGetResult { Finished = true, Status = StepResultStatus.Succeeded, Outputs = new Dictionary<string, JsonElement> { ["image"] = JsonElement.Parse("\"app:1\"") } };

        var result = await harness.RunAsync();

        Assert.Equal("eu-west-1 eu-west-1 tok-1 succeeded app:1 False", result.Outputs["seen"].GetString());
        Assert.Equal("tok-1", result.VariablesSet["token"].GetString());
        Assert.Equal(["tok-1", "hunter2"], result.Secrets);
        Assert.False(harness.Variables.ContainsKey("token"));
    }
}

internal sealed record GreetConfig
{
    [JsonPropertyName("who")]
    public string Who { get; set; } = "world";

    [JsonPropertyName("fail")]
    public bool Fail { get; set; }

    [JsonPropertyName("wait")]
    public bool Wait { get; set; }

    [JsonPropertyName("crash")]
    public bool Crash { get; set; }
}

[JsonSerializable(typeof(GreetConfig))]
internal sealed partial class GreetJson : JsonSerializerContext;
