using TalkingBinaries.Plugin;
using TalkingBinaries.Plugins.Echo;

// Says its `say` config back: as a log line, live, and as the output `said`.
return await Plugin.RunAsync(
    new PluginOptions { Name = "echo", Version = "1.0.0", MaxConcurrency = 64 },
    EchoJsonContext.Default.EchoConfig,
    (step, cancellationToken) =>
    {
        step.LogInfo(step.Config.Say);
        step.SetOutput("said", step.Config.Say);
        return Task.CompletedTask;
    });
