using System.Diagnostics;
using TalkingBinaries.Hosting;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Runs a DevFile's steps in file order; the first failure stops the run and later steps are skipped.</summary>
/// <remarks>
/// Every plugin is located before the first step starts, so a missing plugin fails the run without running anything.
/// A step's output is delivered to the observer as it arrives and drained before the step's outcome.
/// </remarks>
public sealed partial class WorkflowRunner
{
    private readonly DevFile _devFile;
    private readonly RunOptions _options;
    private readonly RunObserver _observer;
    private readonly IReadOnlyDictionary<string, string> _executables;

    /// <summary>Prepares a run: locates every plugin the DevFile declares.</summary>
    /// <exception cref="DevFileException">A plugin cannot be found; each error names the plugin's line.</exception>
    public WorkflowRunner(DevFile devFile, RunOptions options, RunObserver observer)
    {
        _devFile = devFile ?? throw new ArgumentNullException(nameof(devFile));
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _observer = observer ?? throw new ArgumentNullException(nameof(observer));
        _executables = LocatePlugins(devFile, options.Locator);
    }

    /// <summary>Finds the executable of every declared plugin, or throws with one error per missing one.</summary>
    public static IReadOnlyDictionary<string, string> LocatePlugins(DevFile devFile, PluginLocator locator)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        ArgumentNullException.ThrowIfNull(locator);
        var found = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new List<DevFileError>();
        foreach (var plugin in devFile.Plugins)
        {
            try
            {
                found[plugin.Ref] = locator.Locate(new PluginReference(plugin.Ref, plugin.Name, plugin.Path, devFile.Directory));
            }
            catch (PluginNotFoundException exception)
            {
                errors.Add(new DevFileError(plugin.Location, exception.Message));
            }
        }

        return errors.Count == 0 ? found : throw new DevFileException(errors);
    }

    /// <summary>Runs every step; cancelling stops the running plugin gracefully and skips the rest.</summary>
    public async Task<RunReport> RunAsync(CancellationToken cancellationToken = default)
    {
        var runId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(6));
        var startedAt = DateTimeOffset.UtcNow;
        var clock = Stopwatch.StartNew();
        _observer.RunStarting(_devFile, runId);
        var reports = new List<StepReport>(_devFile.Steps.Count);
        string? stopReason = null;
        foreach (var step in _devFile.Steps)
        {
            if (stopReason is null && cancellationToken.IsCancellationRequested)
            {
                stopReason = "the run was interrupted";
            }

            if (stopReason is not null)
            {
                var skipped = new StepReport { Name = step.Name, Plugin = step.Plugin, Status = StepStatus.Skipped, Error = stopReason };
                reports.Add(skipped);
                _observer.StepFinished(step, skipped);
                continue;
            }

            _observer.StepStarting(step);
            var report = await RunStepAsync(runId, step, cancellationToken).ConfigureAwait(false);
            reports.Add(report);
            _observer.StepFinished(step, report);
            stopReason = report.Status switch
            {
                StepStatus.Failed => $"step '{step.Name}' failed",
                StepStatus.Cancelled => cancellationToken.IsCancellationRequested ? "the run was interrupted" : $"step '{step.Name}' was cancelled",
                _ => null,
            };
        }

        // A step a plugin cancelled by itself fails the run; only an interruption makes the run "cancelled".
        var status = cancellationToken.IsCancellationRequested ? RunStatus.Cancelled
            : reports.Any(report => report.Status is StepStatus.Failed or StepStatus.Cancelled) ? RunStatus.Failed
            : RunStatus.Succeeded;
        var result = new RunReport
        {
            RunId = runId,
            DevFile = _devFile.Path,
            Status = status,
            StartedAt = startedAt,
            FinishedAt = DateTimeOffset.UtcNow,
            DurationMs = clock.Elapsed.TotalMilliseconds,
            Steps = reports,
        };
        _observer.RunFinished(result);
        return result;
    }

    private Task<StepReport> RunStepAsync(string runId, StepDefinition step, CancellationToken cancellationToken)
    {
        var plugin = _devFile.Plugin(step.Plugin);
        var info = new PluginStartInfo
        {
            ExecutablePath = _executables[plugin.Ref],
            DisplayName = plugin.Ref,
            WorkingDirectory = _devFile.Directory,
            HandshakeTimeout = _options.HandshakeTimeout,
            DrainTimeout = _options.DrainTimeout,
            CancelTimeout = _options.Stop.Grace / 2,
            OnEvent = pluginEvent => Relay(step, pluginEvent),
        };
        return plugin.Protocol == PluginProtocol.Seed
            ? RunSeedStepAsync(step, info, cancellationToken)
            : RunV1StepAsync(runId, step, info, cancellationToken);
    }

    private void Relay(StepDefinition step, PluginEvent pluginEvent)
    {
        switch (pluginEvent)
        {
            case PluginLogEvent line:
                _observer.StepLog(step, line);
                break;
            case PluginProgressEvent progress:
                _observer.StepProgress(step, progress);
                break;
        }
    }

    private static double Milliseconds(TimeSpan? span) => span is { } value ? Math.Round(value.TotalMilliseconds, 3) : 0;
}
