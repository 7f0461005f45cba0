using System.Globalization;
using TalkingBinaries.Plugin;

namespace TalkingBinaries.Plugins.Shell;

/// <summary>Runs one command through <c>/bin/sh -c</c>, streaming its output to the step's log as it comes.</summary>
internal static class CommandRunner
{
    /// <summary>How long output is still read after the shell has exited, for a process it left running in the background.</summary>
    private static readonly TimeSpan DrainAfterExit = TimeSpan.FromMilliseconds(500);

    /// <summary>The plugin's own environment, read once: nothing in the plugin changes it, and each command starts from it.</summary>
    private static readonly KeyValuePair<string, string>[] PluginEnvironment = [.. Environment.GetEnvironmentVariables()
        .Cast<System.Collections.DictionaryEntry>()
        .Select(variable => KeyValuePair.Create((string)variable.Key, (string?)variable.Value ?? string.Empty))];

    /// <summary>Runs <paramref name="command"/>; its stdout goes to the log and to <paramref name="stdout"/>; returns its exit code.</summary>
    /// <remarks>
    /// The step ends when the shell exits, as a GitHub Actions step does, even if a process it started in the background
    /// (<c>server &amp;</c>) still holds its output: that output is read for <see cref="DrainAfterExit"/> more, then no longer
    /// shown. Such a process lives on until the plugin stops, at the end of the run, when its process group is ended
    /// (docs/devfile.md, "shell").
    /// </remarks>
    public static async Task<int> RunAsync(StepContext<ShellConfig> step, string command, CapturedOutput stdout, CancellationToken cancellationToken)
    {
        // The plugin's environment, then where the step runs among others, so commands can shard work or pick distinct
        // ports (docs/devfile.md, "shell").
        var environment = new Dictionary<string, string>(PluginEnvironment, StringComparer.Ordinal);

        var parallel = step.Parallel;
        environment["TB_RUN_ID"] = step.RunId;
        environment["TB_STEP"] = step.StepName;
        environment["TB_PARALLEL"] = parallel.Enabled ? "true" : "false";
        environment["TB_GROUP"] = parallel.Group.ToString(CultureInfo.InvariantCulture);
        environment["TB_INSTANCE"] = parallel.Instance.ToString(CultureInfo.InvariantCulture);
        environment["TB_INSTANCES"] = parallel.Instances.ToString(CultureInfo.InvariantCulture);
        environment["TB_SIBLINGS"] = string.Join(',', parallel.Siblings);
        // Values reach commands as environment variables, never spliced into the command text (docs/devfile.md, "Injection").
        foreach (var (name, value) in step.Config.Env)
        {
            environment[name] = value.ValueKind switch
            {
                System.Text.Json.JsonValueKind.String => value.GetString() ?? string.Empty,
                System.Text.Json.JsonValueKind.Null => string.Empty,
                _ => value.GetRawText(),
            };
        }

        var ended = false;
        ShellProcess process;
        try
        {
            process = ShellProcess.Start(
                command,
                environment,
                step.Config.Workdir,
                line =>
                {
                    if (!Volatile.Read(ref ended))
                    {
                        stdout.Append(line);
                        step.LogInfo(line);
                    }
                },
                line =>
                {
                    if (!Volatile.Read(ref ended))
                    {
                        step.LogWarning(line);
                    }
                });
        }
        catch (IOException exception)
        {
            throw new StepFailedException($"could not start /bin/sh: {exception.Message}", "shell_unavailable");
        }

        int exitCode;
        try
        {
            exitCode = await process.Exited.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.KillTree();
            await Task.WhenAll(process.Exited, process.OutputEnded).ConfigureAwait(false);
            throw;
        }

        // The output reaches its end only when every process holding it has closed it, which a background process can hold off for ever.
        // Most often it has already ended, and no timer is set.
        var drained = process.OutputEnded;
        if (!drained.IsCompleted && await Task.WhenAny(drained, Task.Delay(DrainAfterExit, CancellationToken.None)).ConfigureAwait(false) != drained)
        {
            Volatile.Write(ref ended, true);
            step.LogWarning("the command left a process running in the background that holds its output; the step ends now, "
                + "that process runs on until the end of the run, and what it prints is not shown (redirect it: cmd > file 2>&1 &)");
        }

        return exitCode;
    }
}
