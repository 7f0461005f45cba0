using TalkingBinaries.Plugin;
using TalkingBinaries.Plugins.Shell;

// Runs each of `commands` through /bin/sh -c, streaming output live; stops at the first failing command.
return await Plugin.RunAsync(
    new PluginOptions { Name = "shell", Version = "1.0.0", MaxConcurrency = 16 },
    ShellJsonContext.Default.ShellConfig,
    async (step, cancellationToken) =>
    {
        var output = new System.Text.StringBuilder();
        for (var index = 0; index < step.Config.Commands.Count; index++)
        {
            var command = step.Config.Commands[index];
            step.LogDebug($"running command {index + 1}/{step.Config.Commands.Count}: {command}");
            var (exitCode, stdout) = await CommandRunner.RunAsync(step, command, cancellationToken);
            output.Append(stdout);
            if (exitCode != 0)
            {
                step.SetOutput("stdout", output.ToString());
                throw new StepFailedException(
                    $"command {index + 1} of {step.Config.Commands.Count} failed with exit code {exitCode}: {command}",
                    "command_failed")
                { ExitCode = exitCode };
            }
        }

        step.SetOutput("stdout", output.ToString());
    });
