using TalkingBinaries.Plugin;
using TalkingBinaries.Plugins.Echo;

// Says its `say` config back: as a log line, live, and as the output `said`. The handler never blocks, so it may run
// on the SDK's reader thread (InlineSteps), one thread hand-off less per step.
return await Plugin.RunAsync(
    new PluginOptions { Name = "echo", Version = "1.0.0", MaxConcurrency = 64, InlineSteps = true, DeclaredVariables = [], DeclaredOutputs = ["said"] },
    EchoJsonContext.Default.EchoConfig,
    (step, cancellationToken) =>
    {
        step.LogInfo(step.Config.Say);
        step.SetOutput("said", step.Config.Say);
        return Task.CompletedTask;
    });
