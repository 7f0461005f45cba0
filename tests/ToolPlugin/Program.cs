using System.Text.Json.Serialization;
using TalkingBinaries.Plugin;

// Greets whoever its config names, and says which version of the package it is (the specs install two).
return await Plugin.RunAsync(
    new PluginOptions { Name = "greet", Version = typeof(GreetConfig).Assembly.GetName().Version?.ToString(3) ?? "0.0.0", MaxConcurrency = 4 },
    GreetJson.Default.GreetConfig,
    (step, cancellationToken) =>
    {
        step.LogInfo($"hello, {step.Config.Who}");
        step.SetOutput("greeted", step.Config.Who);
        return Task.CompletedTask;
    });

internal sealed record GreetConfig
{
    [JsonPropertyName("who")]
    public string Who { get; set; } = "world";
}

[JsonSerializable(typeof(GreetConfig))]
internal sealed partial class GreetJson : JsonSerializerContext;
