using System.Diagnostics;
using System.Globalization;
using TalkingBinaries.Plugin;

namespace TalkingBinaries.Plugins.Shell;

/// <summary>Runs one command through <c>/bin/sh -c</c>, streaming its output to the step's log as it comes.</summary>
internal static class CommandRunner
{
    /// <summary>Runs <paramref name="command"/>; its stdout goes to the log and to <paramref name="stdout"/>; returns its exit code.</summary>
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

        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }

            stdout.Append(line.Data);
            step.LogInfo(line.Data);
        };
        process.ErrorDataReceived += (_, line) =>
        {
            if (line.Data is not null)
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
            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
            throw;
        }

        // WaitForExitAsync returns once the output has been read to its end.
        return process.ExitCode;
    }
}
