using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Running;
using TalkingBinaries.Workflow.Watching;

namespace TalkingBinaries.Cli;

/// <summary><c>tb run --watch</c>: runs, then runs again whenever a step's inputs or the DevFile change (docs/devfile.md, "Watch").</summary>
/// <remarks>
/// A change during a run stops it the way Ctrl-C does (step/cancel, shutdown, SIGTERM, then the process group is
/// killed), then the run starts again; warm plugins are kept from run to run. A changed DevFile is loaded again and its
/// plugins started afresh; one with errors is said and waited on. Ctrl-C ends the watch, stopping every plugin.
/// </remarks>
internal static class WatchCommand
{
    /// <summary>How long the inputs must stay still before a rerun: saving several files at once gives one.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);

    public static async Task<int> RunAsync(Terminal terminal, RunArguments arguments, DevFile devFile, RunOptions options, Interruption interruption)
    {
        if (!devFile.Steps.Any(step => step.Inputs is not null))
        {
            terminal.ErrorLine($"tb: error: --watch runs again when a step's inputs change, and no step of {devFile.Path} has 'inputs:'; add them to the steps to watch, e.g. 'inputs: [\"src/**\"]'");
            return ExitCodes.UsageOrConfig;
        }

        var exit = ExitCodes.Success;
        while (true)
        {
            InputWatcher watcher;
            try
            {
                watcher = new InputWatcher(devFile, devFile.Steps, Quiet);
            }
            catch (IOException exception)
            {
                terminal.ErrorLine($"tb: error: {exception.Message}");
                return ExitCodes.UsageOrConfig;
            }

            var warm = new WarmPlugins();
            DevFile? reloaded;
            try
            {
                (reloaded, exit) = await WatchAsync(terminal, arguments, devFile, options with { WarmPlugins = warm }, watcher, interruption);
            }
            finally
            {
                watcher.Dispose();
                await warm.StopAsync(interruption.Force);
            }

            if (reloaded is null)
            {
                return interruption.Stop.IsCancellationRequested ? ExitCodes.Stopped(interruption.Signal) : exit;
            }

            devFile = reloaded;
        }
    }

    /// <summary>Runs and reruns one DevFile; the DevFile again when it changed and loads, null when Ctrl-C ended the watch.</summary>
    private static async Task<(DevFile? Reloaded, int Exit)> WatchAsync(Terminal terminal, RunArguments arguments, DevFile devFile, RunOptions options, InputWatcher watcher, Interruption interruption)
    {
        var exit = ExitCodes.Success;
        while (true)
        {
            IReadOnlyList<string> changes;
            using (var stop = CancellationTokenSource.CreateLinkedTokenSource(interruption.Stop))
            {
                var run = Commands.RunOnceAsync(terminal, arguments, devFile, options, interruption, stop.Token);
                var next = watcher.NextAsync(interruption.Stop);
                if (await Task.WhenAny(run, next) == next && next.IsCompletedSuccessfully)
                {
                    changes = next.Result;
                    terminal.ErrorLine($"tb: {Describe(changes)} changed: stopping the run to start again");
                    stop.Cancel();
                    (exit, _) = await run;
                }
                else
                {
                    (exit, _) = await run;
                    if (interruption.Stop.IsCancellationRequested)
                    {
                        await Quietly(next);
                        return (null, exit);
                    }

                    terminal.ErrorLine($"tb: watching the inputs of {watcher.Steps} {(watcher.Steps == 1 ? "step" : "steps")} and the DevFile for changes (Ctrl-C to stop)");
                    try
                    {
                        changes = await next;
                    }
                    catch (OperationCanceledException)
                    {
                        return (null, exit);
                    }
                }
            }

            // A DevFile with errors is not run, old or new: wait until it loads.
            while (changes.Contains(Path.GetFileName(devFile.Path)))
            {
                try
                {
                    var reloaded = DevFileLoader.Load(devFile.Path);
                    terminal.ErrorLine($"tb: {devFile.Path} changed: loading it again and starting its plugins afresh");
                    return (reloaded, exit);
                }
                catch (DevFileException exception)
                {
                    Commands.PrintErrors(terminal, exception);
                    terminal.ErrorLine("tb: fix the DevFile and save it to run again (Ctrl-C to stop)");
                }

                try
                {
                    // Inputs changed meanwhile run nothing: the DevFile on disk is not the one loaded.
                    do
                    {
                        changes = await watcher.NextAsync(interruption.Stop);
                    }
                    while (!changes.Contains(Path.GetFileName(devFile.Path)));
                }
                catch (OperationCanceledException)
                {
                    return (null, exit);
                }
            }

            terminal.ErrorLine($"tb: {Describe(changes)} changed: running again");
        }
    }

    private static string Describe(IReadOnlyList<string> changes) => changes switch
    {
        [var one] => one,
        [var first, ..] => $"{first} and {changes.Count - 1} more",
        _ => "something",
    };

    private static async Task Quietly(Task task)
    {
        try
        {
            await task;
        }
        catch (OperationCanceledException)
        {
        }
    }
}
