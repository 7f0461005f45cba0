namespace TalkingBinaries.Hosting.Conformance;

/// <summary>One black-box check of a plugin: it starts its own processes, and ends every one of them before it returns.</summary>
internal abstract class ConformanceScenario
{
    /// <summary>The scenario's name in tables and specs: lower case, words joined by '-'.</summary>
    public abstract string Name { get; }

    /// <summary>Runs the scenario against the plugin <paramref name="command"/> starts.</summary>
    /// <remarks>Every wait is bounded by <see cref="ConformanceOptions.Timeout"/>; <paramref name="cancellationToken"/> stops the whole check.</remarks>
    public abstract Task<ConformanceResult> RunAsync(PluginCommand command, ConformanceOptions options, CancellationToken cancellationToken);

    protected ConformanceResult Pass(string reason) => new(Name, ConformanceOutcome.Passed, reason);

    protected ConformanceResult Fail(string reason) => new(Name, ConformanceOutcome.Failed, reason);

    protected ConformanceResult Skip(string reason) => new(Name, ConformanceOutcome.Skipped, reason);

    /// <summary>A session over a new plugin process, with the host's cookie unless <paramref name="withoutCookie"/>.</summary>
    protected static ConformanceSession Start(PluginCommand command, ConformanceOptions options, bool withoutCookie = false) =>
        new(command, options, withoutCookie);

    /// <summary>"echo 1.0.0: warm, maxConcurrency 64, cancel".</summary>
    protected static string Describe(Protocol.Messages.InitializeResult handshake)
    {
        var capabilities = handshake.Capabilities ?? new Protocol.Messages.PluginCapabilities();
        var kind = capabilities.Warm ? $"warm, maxConcurrency {Math.Max(1, capabilities.MaxConcurrency)}" : "one-shot";
        return $"{handshake.Plugin?.Name} {handshake.Plugin?.Version}: {kind}, cancel {(capabilities.Cancel ? "true" : "false")}";
    }

    /// <summary>Text from a plugin, on one line and cut short, to quote in a reason.</summary>
    protected static string Quote(string text)
    {
        var line = text.ReplaceLineEndings(" ").Trim();
        return line.Length <= 80 ? $"\"{line}\"" : $"\"{line[..77]}...\"";
    }
}
