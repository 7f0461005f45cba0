using System.Collections.Concurrent;
using System.Text.Json;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.UpToDate;

/// <summary>Works out a tracked step's fingerprint and compares it with its record (docs/devfile.md, "Up to date").</summary>
/// <remarks>
/// The fingerprint is the digest of the step's resolved config, its plugin (ref, protocol and the executable's
/// SHA-256), the run's given variables, each input file's path and SHA-256, and the token of each step it waits for.
/// Reading files is all it does: a check changes nothing, so <c>tb status</c> can run it freely.
/// </remarks>
internal sealed class Fingerprints(DevFile devFile, IReadOnlyDictionary<string, string> executables, PluginHashes hashes, IReadOnlyDictionary<string, JsonElement> givenVariables)
{
    private const string Version = "tb-fingerprint-1";

    private readonly ConcurrentDictionary<string, string> _plugins = new(StringComparer.Ordinal);
    private readonly string _variables = Digest.Of(givenVariables);

    /// <summary>The step's fingerprint today, and whether <paramref name="previous"/> still holds.</summary>
    /// <param name="step">A step with <c>inputs</c> or <c>outputs</c>.</param>
    /// <param name="config">Its config, expressions worked out.</param>
    /// <param name="needs">The token of each step it waits for.</param>
    /// <param name="previous">Its record, or null.</param>
    /// <exception cref="IOException">An input or output cannot be read.</exception>
    /// <exception cref="UnauthorizedAccessException">An input or output may not be read.</exception>
    public UpToDateCheck Check(StepDefinition step, JsonElement config, IReadOnlyDictionary<string, string> needs, StepRecord? previous)
    {
        var directory = devFile.Directory;
        var inputs = step.Inputs is { } set ? Digest.Files(directory, set.Expand(directory)) : [];
        var configDigest = Digest.Of([config.GetRawText()]);
        var plugin = Plugin(step.Plugin);
        var current = new StepRecord
        {
            Fingerprint = Digest.Of([Version, configDigest, plugin, _variables, Digest.Of(inputs), Digest.Of(needs)]),
            Config = configDigest,
            Plugin = plugin,
            Variables = _variables,
            Inputs = inputs,
            Needs = new Dictionary<string, string>(needs, StringComparer.Ordinal),
        };
        return new UpToDateCheck(current, previous, Why(step, current, previous));
    }

    /// <summary>What a finished step gives the steps that wait for it: how it ended, its fingerprint if tracked, its outputs and the variables it set.</summary>
    /// <remarks>An up-to-date step gives the same token as when it ran, so what waits for it can be up to date too.</remarks>
    public static string Token(Reporting.StepStatus status, string? fingerprint, IReadOnlyDictionary<string, JsonElement> outputs, IReadOnlyDictionary<string, JsonElement> setVariables)
    {
        var ended = status == Reporting.StepStatus.UpToDate ? Reporting.StepStatus.Succeeded : status;
        return Digest.Of([ended.ToString(), fingerprint ?? string.Empty, Digest.Of(outputs), Digest.Of(setVariables)]);
    }

    /// <summary>The SHA-256 of each file <paramref name="step"/>'s <c>outputs</c> match now.</summary>
    public Dictionary<string, string> Outputs(StepDefinition step) =>
        step.OutputFiles is { } set ? Digest.Files(devFile.Directory, set.Expand(devFile.Directory)) : [];

    private string? Why(StepDefinition step, StepRecord current, StepRecord? previous)
    {
        if (previous is null)
        {
            return "it has not run successfully with these inputs and outputs";
        }

        if (previous.Fingerprint != current.Fingerprint)
        {
            return previous.Config != current.Config ? "its config changed"
                : previous.Plugin != current.Plugin ? $"plugin '{step.Plugin}' changed"
                : previous.Variables != current.Variables ? "the run's variables changed"
                : Changed("input", previous.Inputs, current.Inputs, reportNew: true)
                    ?? Changed("step", previous.Needs, current.Needs, reportNew: true, after: ", which it waits for,")
                    ?? "its fingerprint changed";
        }

        if (step.OutputFiles is null)
        {
            return null;
        }

        if (previous.Files.Count == 0)
        {
            return "its outputs matched no file when it last ran";
        }

        return Changed("output", previous.Files, Outputs(step), reportNew: false);
    }

    /// <summary>The first difference between recorded and current digests, in path order, and how many more there are.</summary>
    private static string? Changed(string kind, IReadOnlyDictionary<string, string> before, IReadOnlyDictionary<string, string> now, bool reportNew, string after = "")
    {
        var names = before.Keys.Union(reportNew ? now.Keys : [], StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var differences = names
            .Select(name => !now.TryGetValue(name, out var hash) ? $"{kind} '{name}'{after} is gone"
                : !before.TryGetValue(name, out var old) ? $"{kind} '{name}'{after} is new"
                : old != hash ? $"{kind} '{name}'{after} changed"
                : null)
            .Where(difference => difference is not null)
            .ToList();
        return differences.Count switch
        {
            0 => null,
            1 => differences[0],
            _ => $"{differences[0]} (and {differences.Count - 1} more)",
        };
    }

    private string Plugin(string plugin) => _plugins.GetOrAdd(plugin, name =>
    {
        var definition = devFile.Plugin(name);
        return Digest.Of([name, definition.Protocol.ToString(), hashes.HashFile(executables[name])]);
    });
}
