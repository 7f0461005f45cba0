using System.Collections.Concurrent;
using System.Text.Json;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.UpToDate;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Running;

/// <summary>A run's view of <c>.tb/</c>: which tracked steps are up to date, and what to record of those that ran (docs/devfile.md, "Up to date").</summary>
/// <remarks>Thread-safe: steps running in parallel check and record here. The state file is read when the run starts and written once, when it ends.</remarks>
internal sealed class UpToDateTracker(
    RunPlan plan,
    Fingerprints fingerprints,
    StateFile state,
    IReadOnlyDictionary<string, StepRecord> previous,
    IReadOnlySet<string> known,
    bool force,
    VariableStore variables,
    SecretMasker masker,
    ConcurrentDictionary<string, StepReport> finished)
{
    private readonly ConcurrentDictionary<string, string> _fingerprints = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, StepRecord?> _changed = new(StringComparer.Ordinal);

    /// <summary>Whether <paramref name="step"/> (tracked) is up to date with <paramref name="config"/>; with <c>--force</c> never.</summary>
    /// <exception cref="IOException">An input or output cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">An input or output may not be read.</exception>
    public UpToDateCheck Check(StepDefinition step, JsonElement config)
    {
        var needs = plan.Graph.Dependencies[step.Name].ToDictionary(name => name, Token, StringComparer.Ordinal);
        var check = fingerprints.Check(step, config, needs, previous.GetValueOrDefault(step.Name));
        _fingerprints[step.Name] = check.Current.Fingerprint;
        return force ? check with { Reason = "--force" } : check;
    }

    /// <summary>Keeps what <paramref name="step"/> went in with and came out with, or forgets it when it did not succeed; a note for its report, or null.</summary>
    public string? Record(StepDefinition step, UpToDateCheck check, StepReport report)
    {
        if (report.Status != StepStatus.Succeeded)
        {
            // A step that failed with the fingerprint it last succeeded with must not count as up to date next time.
            _changed[step.Name] = null;
            return null;
        }

        var set = variables.SetBy(step.Name);
        if (!masker.IsEmpty && (Masks(report.Outputs) || Masks(set)))
        {
            _changed[step.Name] = null;
            return "its outputs or variables hold a secret, which tb never writes to .tb/, so it runs every time";
        }

        Dictionary<string, string> files;
        try
        {
            files = fingerprints.Outputs(step);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            _changed[step.Name] = null;
            return $"its outputs cannot be read ({exception.Message}), so it runs again next time";
        }

        _changed[step.Name] = check.Current with { Files = files, Outputs = report.Outputs, SetVariables = set, FinishedAt = DateTimeOffset.UtcNow };
        return step.OutputFiles is not null && files.Count == 0 ? "its outputs matched no file, so it runs again next time" : null;
    }

    /// <summary>Writes what changed to <c>.tb/</c>; a warning when it cannot.</summary>
    public string? Save()
    {
        if (_changed.IsEmpty)
        {
            return null;
        }

        try
        {
            state.Write(_changed, known);
            return null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"cannot write {state.Path} ({exception.Message}); the steps that ran will run again next time";
        }
    }

    /// <summary>The token (<see cref="Fingerprints.Token"/>) of a finished step.</summary>
    private string Token(string name)
    {
        var report = finished[name];
        return Fingerprints.Token(report.Status, _fingerprints.GetValueOrDefault(name), report.Outputs, variables.SetBy(name));
    }

    private bool Masks(IReadOnlyDictionary<string, JsonElement> values) =>
        values.Values.Any(value => masker.Apply(value).GetRawText() != value.GetRawText());
}
