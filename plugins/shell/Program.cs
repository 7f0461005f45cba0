using TalkingBinaries.Plugin;
using TalkingBinaries.Plugins.Shell;

// Runs each of `commands` through /bin/sh -c, streaming output live; stops at the first failing command.
return await Plugin.RunAsync(
    new PluginOptions { Name = "shell", Version = "1.0.0", MaxConcurrency = 16, DeclaredVariables = [], DeclaredOutputs = ["stdout"] },
    ShellJsonContext.Default.ShellConfig,
    async (step, cancellationToken) =>
    {
        var output = new CapturedOutput();
        for (var index = 0; index < step.Config.Commands.Count; index++)
        {
            var command = step.Config.Commands[index];
            step.LogDebug($"running command {index + 1}/{step.Config.Commands.Count}: {command}");
            var exitCode = await CommandRunner.RunAsync(step, command, output, cancellationToken);
            if (exitCode != 0)
            {
                Keep(step, output);
                throw new StepFailedException(
                    $"command {index + 1} of {step.Config.Commands.Count} failed with exit code {exitCode}: {command}",
                    "command_failed")
                { ExitCode = exitCode };
            }
        }

        Keep(step, output);
    });

// The answer must stay under the protocol's message limit: only so much stdout is kept (docs/devfile.md, "shell").
static void Keep(StepContext<ShellConfig> step, CapturedOutput output)
{
    step.SetOutput("stdout", output.Kept());
    if (output.Note() is { } note)
    {
        step.LogWarning(note);
    }
}
