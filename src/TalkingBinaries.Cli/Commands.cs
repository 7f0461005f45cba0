using System.Runtime.InteropServices;
using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Plugins;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Cli;

/// <summary>What <c>tb run</c> and <c>tb validate</c> do.</summary>
internal static class Commands
{
    public static async Task<int> RunAsync(RunArguments arguments)
    {
        var invocation = arguments.Invocation;
        using var terminal = arguments.Events == EventsFile.StandardOutput ? EventsFile.HumanTerminal(invocation, arguments.NoColor) : Terminal.For(invocation, arguments.NoColor);
        var grace = HostingOptions.Default.StopGrace;
        if (arguments.Grace is { } graceText && !Durations.TryParse(graceText, out grace, out var graceProblem))
        {
            terminal.ErrorLine($"tb: error: --grace {graceProblem}");
            return ExitCodes.UsageOrConfig;
        }

        TimeSpan? timeout = null;
        if (arguments.Timeout is { } timeoutText)
        {
            if (!Durations.TryParse(timeoutText, out var limit, out var timeoutProblem))
            {
                terminal.ErrorLine($"tb: error: --timeout {timeoutProblem}");
                return ExitCodes.UsageOrConfig;
            }

            if (limit <= TimeSpan.Zero)
            {
                terminal.ErrorLine($"tb: error: --timeout must be more than zero, not '{timeoutText}'; write it like 90s, 10m or 1h");
                return ExitCodes.UsageOrConfig;
            }

            timeout = limit;
        }

        if (arguments.MaxParallel is < 1)
        {
            terminal.ErrorLine($"tb: error: --max-parallel must be at least 1, not {arguments.MaxParallel}");
            return ExitCodes.UsageOrConfig;
        }

        if (arguments.Watch && arguments.DryRun)
        {
            terminal.ErrorLine("tb: error: --watch runs the steps again and again, and --dry-run runs none; use one of them");
            return ExitCodes.UsageOrConfig;
        }

        if (arguments.Json && !arguments.DryRun)
        {
            terminal.ErrorLine("tb: error: --json goes with --dry-run; for a JSON report of a run, use --report FILE");
            return ExitCodes.UsageOrConfig;
        }

        if (arguments.Report is { } plannedReport && !ReportFile.CanWrite(plannedReport, out var reportProblem))
        {
            terminal.ErrorLine($"tb: error: cannot write the report to {Path.GetFullPath(plannedReport)}: {reportProblem}; fix --report before running");
            return ExitCodes.UsageOrConfig;
        }

        if (arguments.ReportHtml is { } plannedPage && !ReportFile.CanWrite(plannedPage, out var pageProblem))
        {
            terminal.ErrorLine($"tb: error: cannot write the HTML report to {Path.GetFullPath(plannedPage)}: {pageProblem}; fix --report-html before running");
            return ExitCodes.UsageOrConfig;
        }

        if (arguments.Events is { } plannedEvents && !EventsFile.CanWrite(plannedEvents, out var eventsProblem))
        {
            terminal.ErrorLine($"tb: error: cannot write events to {Path.GetFullPath(plannedEvents)}: {eventsProblem}; fix --events before running");
            return ExitCodes.UsageOrConfig;
        }

        var locator = PluginLocator.For(invocation.Environment);
        if (!TryLoad(terminal, arguments.File, out var devFile) || !TryReadVariables(terminal, arguments, out var variables, out var secrets)
            || !TryLoadLock(terminal, devFile, out var lockFile))
        {
            return ExitCodes.UsageOrConfig;
        }

        if (arguments.DryRun)
        {
            return DiscoveryCommands.DryRun(terminal, devFile, arguments, locator, variables, secrets);
        }

        using var interruption = new Interruption(message => terminal.ErrorLine($"tb: {message}"), invocation.Signals);

        // A plugin from a package is installed on first need, before anything runs.
        if (await PackageInstalls.InstallMissingAsync(terminal, devFile, locator.Packages, interruption) is { } failed)
        {
            return failed;
        }

        var options = new RunOptions
        {
            Locator = locator,
            Lock = lockFile,

            // Plugins on Slurm are relayed by this same tb, on the node (docs/cluster.md): it must be on a path the nodes see.
            SlurmRelay = [Environment.ProcessPath ?? "tb", "relay"],
            Frozen = arguments.Frozen,

            // Each stage of a graceful stop gets half of --grace: waiting for step/cancel's answer, then after shutdown, then after SIGTERM.
            Hosting = HostingOptions.Default with { Host = new PeerInfo("tb", arguments.Version), StopGrace = grace, CancelTimeout = grace / 2 },
            MaxParallel = arguments.MaxParallel,
            Timeout = timeout,
            Step = arguments.Step,
            Matrix = arguments.Matrix,
            Force = arguments.Force,
            Variables = variables,
            Secrets = secrets,
            Environment = invocation.Environment,
            Hashes = PluginHashes.ForUser(invocation.Environment),
            WarmPlugins = invocation.WarmPlugins,
        };
        if (arguments.Watch)
        {
            return await WatchCommand.RunAsync(terminal, arguments, devFile, options, interruption);
        }

        var (exit, _) = await RunOnceAsync(terminal, arguments, devFile, options, interruption, interruption.Stop);
        return exit;
    }

    /// <summary>One run of <paramref name="devFile"/>, stopped gracefully by <paramref name="stop"/>: its exit code, and its report unless the DevFile or its plugins were wrong.</summary>
    public static async Task<(int Exit, RunReport? Report)> RunOnceAsync(Terminal terminal, RunArguments arguments, DevFile devFile, RunOptions options, Interruption interruption, CancellationToken stop)
    {
        RunReport result;
        var logs = arguments.ReportHtml is null ? null : new StepLogCollector();
        try
        {
            var displays = RunDisplays.For(terminal, arguments);
            var runner = new WorkflowRunner(devFile, options, logs is null ? displays : RunObserver.Combine(displays, logs));
            result = await runner.RunAsync(stop, interruption.Force);
        }
        catch (DevFileException exception)
        {
            PrintErrors(terminal, exception);
            return (ExitCodes.UsageOrConfig, null);
        }

        // A report that cannot be written (a full disk) is said on stderr; the exit code stays the run's (issue 10, item 9).
        if (arguments.Report is { } reportPath && ReportFile.TryWrite(reportPath, result) is { } reportFailure)
        {
            terminal.ErrorLine($"tb: error: cannot write the report to {Path.GetFullPath(reportPath)}: {reportFailure}");
        }

        if (arguments.ReportHtml is { } pagePath && TimelineFile.TryWrite(pagePath, result, logs?.Logs) is { } pageFailure)
        {
            terminal.ErrorLine($"tb: error: cannot write the HTML report to {Path.GetFullPath(pagePath)}: {pageFailure}");
        }

        return (result.Status switch
        {
            RunStatus.Succeeded => ExitCodes.Success,
            RunStatus.TimedOut => ExitCodes.TimedOut,
            RunStatus.Cancelled => ExitCodes.Stopped(interruption.Signal),
            _ => ExitCodes.StepFailed,
        }, result);
    }

    /// <summary><c>tb validate</c>: checks the DevFile, finds its plugins, and warns about variables and outputs that nothing declares.</summary>
    public static async Task<int> ValidateAsync(ValidateArguments arguments)
    {
        var (file, noColor) = (arguments.File, arguments.NoColor);
        using var terminal = Terminal.ForConsole(noColor);
        var locator = PluginLocator.ForCurrentProcess();
        if (!TryLoad(terminal, file, out var devFile)
            || !TryReadVariables(terminal, new RunArguments(file, null, arguments.Version) { Variables = arguments.Variables, VarFiles = arguments.VarFiles }, out var variables, out _))
        {
            return ExitCodes.UsageOrConfig;
        }

        try
        {
            var plugins = PluginResolver.Resolve(devFile, locator);
            terminal.Line($"{devFile.Path}: valid ({devFile.Plugins.Count} plugins, {devFile.Steps.Count} steps)");
            foreach (var plugin in plugins)
            {
                terminal.Line($"  plugin {plugin.Ref}: {plugin.Located.ExecutablePath}{(plugin.Definition.Protocol == PluginProtocol.Seed ? " (seed format)" : string.Empty)}");
            }

            await DeclarationWarnings.PrintAsync(terminal, devFile, variables.Keys, arguments);

            return ExitCodes.Success;
        }
        catch (DevFileException exception)
        {
            PrintErrors(terminal, exception);
            return ExitCodes.UsageOrConfig;
        }
    }

    public static bool TryLoad(Terminal terminal, string? file, out DevFile devFile)
    {
        devFile = null!;
        try
        {
            var path = file ?? DevFileLocator.Find(terminal.Invocation.WorkingDirectory);
            if (file is not null && Directory.Exists(path))
            {
                terminal.ErrorLine($"tb: error: {Path.GetFullPath(path)} is a directory; pass the DevFile itself to -f/--file (e.g. -f {Path.Combine(file, "DevFile")})");
                return false;
            }

            if (file is not null && !File.Exists(path))
            {
                terminal.ErrorLine($"tb: error: {Path.GetFullPath(path)}: no such file; check the path given to -f/--file");
                return false;
            }

            devFile = terminal.Invocation.DevFiles?.Load(path) ?? DevFileLoader.Load(path);
            return true;
        }
        catch (DevFileException exception)
        {
            PrintErrors(terminal, exception);
            return false;
        }
    }

    /// <summary>The DevFile's lock file, null when it has none; false, after saying why, when it cannot be read.</summary>
    private static bool TryLoadLock(Terminal terminal, DevFile devFile, out PluginLock? lockFile)
    {
        try
        {
            lockFile = PluginLock.Load(PluginLock.PathFor(devFile.Path));
            return true;
        }
        catch (DevFileException exception)
        {
            PrintErrors(terminal, exception);
            lockFile = null;
            return false;
        }
    }

    /// <summary>Variables from var-files, then from --var (later ones win), and the var-files' secrets.</summary>
    internal static bool TryReadVariables(Terminal terminal, RunArguments arguments, out Dictionary<string, JsonElement> variables, out Dictionary<string, string> secrets)
    {
        variables = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var path in arguments.VarFiles)
            {
                var varFile = VarFile.Load(path);
                foreach (var (name, value) in varFile.Variables)
                {
                    variables[name] = value;
                }

                foreach (var (name, value) in varFile.Secrets)
                {
                    secrets[name] = value;
                }
            }
        }
        catch (DevFileException exception)
        {
            PrintErrors(terminal, exception);
            return false;
        }

        foreach (var assignment in arguments.Variables)
        {
            var equals = assignment.IndexOf('=', StringComparison.Ordinal);
            var name = equals > 0 ? assignment[..equals] : assignment;
            if (equals <= 0 || !VariableNames.IsValid(name))
            {
                terminal.ErrorLine($"tb: error: --var '{assignment}' must be NAME=VALUE, with a name of letters, digits, '_' and '-'");
                return false;
            }

            variables[name] = JsonSerializer.SerializeToElement(assignment[(equals + 1)..], CliJsonContext.Default.String);
        }

        return true;
    }

    public static void PrintErrors(Terminal terminal, DevFileException exception)
    {
        if (exception.Errors.Count == 0)
        {
            terminal.ErrorLine($"tb: {terminal.Red("error")}: {exception.Message}");
            return;
        }

        foreach (var error in exception.Errors)
        {
            terminal.ErrorLine($"tb: {terminal.Red("error")}: {error}");
        }
    }
}
