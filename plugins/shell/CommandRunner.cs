using System.Diagnostics;
using System.Globalization;
using TalkingBinaries.Plugin;

namespace TalkingBinaries.Plugins.Shell;

/// <summary>Runs one command through <c>/bin/sh -c</c>, streaming its output to the step's log as it comes.</summary>
internal static class CommandRunner
{
    /// <summary>How long output is still read after the shell has exited, for a process it left running in the background.</summary>
    private static readonly TimeSpan DrainAfterExit = TimeSpan.FromMilliseconds(500);

    /// <summary>Runs <paramref name="command"/>; its stdout goes to the log and to <paramref name="stdout"/>; returns its exit code.</summary>
    /// <remarks>
    /// The step ends when the shell exits, as a GitHub Actions step does, even if a process it started in the background
    /// (<c>server &amp;</c>) still holds its output: that output is read for <see cref="DrainAfterExit"/> more, then no longer
    /// shown. Such a process lives on until the plugin stops, at the end of the run, when its process group is ended
    /// (docs/devfile.md, "shell").
    /// </remarks>
    public static async Task<int> RunAsync(StepContext<ShellConfig> step, string command, CapturedOutput stdout, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("/bin/sh")
        {
            ArgumentList = { "-c", command },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = step.Config.Workdir ?? Environment.CurrentDirectory,
        };
        // Where the step runs among others, so commands can shard work or pick distinct ports (docs/devfile.md, "shell").
        var parallel = step.Parallel;
        start.Environment["TB_RUN_ID"] = step.RunId;
        start.Environment["TB_STEP"] = step.StepName;
        start.Environment["TB_PARALLEL"] = parallel.Enabled ? "true" : "false";
        start.Environment["TB_GROUP"] = parallel.Group.ToString(CultureInfo.InvariantCulture);
        start.Environment["TB_INSTANCE"] = parallel.Instance.ToString(CultureInfo.InvariantCulture);
        start.Environment["TB_INSTANCES"] = parallel.Instances.ToString(CultureInfo.InvariantCulture);
        start.Environment["TB_SIBLINGS"] = string.Join(',', parallel.Siblings);
        // Values reach commands as environment variables, never spliced into the command text (docs/devfile.md, "Injection").
        foreach (var (name, value) in step.Config.Env)
        {
            start.Environment[name] = value.ValueKind switch
            {
                System.Text.Json.JsonValueKind.String => value.GetString(),
                System.Text.Json.JsonValueKind.Null => string.Empty,
                _ => value.GetRawText(),
            };
        }

        using var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var exited = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var ended = false;
        process.Exited += (_, _) => exited.TrySetResult();
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null || Volatile.Read(ref ended))
            {
                return;
            }

            stdout.Append(line.Data);
            step.LogInfo(line.Data);
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null && !Volatile.Read(ref ended))
            {
                step.LogWarning(line.Data);
            }
        };

        try
        {
            process.Start();
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new StepFailedException($"could not start /bin/sh: {exception.Message}", "shell_unavailable");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await exited.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        // WaitForExitAsync also waits for the output to reach its end, which a background process can hold off for ever.
        var drained = process.WaitForExitAsync(CancellationToken.None);
        if (await Task.WhenAny(drained, Task.Delay(DrainAfterExit, CancellationToken.None)).ConfigureAwait(false) != drained)
        {
            Volatile.Write(ref ended, true);
            step.LogWarning("the command left a process running in the background that holds its output; the step ends now, "
                + "that process runs on until the end of the run, and what it prints is not shown (redirect it: cmd > file 2>&1 &)");
        }

        return process.ExitCode;
    }
}
