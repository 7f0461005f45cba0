namespace TalkingBinaries.Hosting.Conformance;

/// <summary>The outcome of one conformance scenario, with a reason a person can act on.</summary>
/// <param name="Scenario">The scenario's name, as in <see cref="ConformanceSuite.Scenarios"/>.</param>
/// <param name="Outcome">Passed, failed or skipped.</param>
/// <param name="Reason">One line: what the plugin did, and for a failure what it should do (docs/protocol.md, "Checking a plugin").</param>
public sealed record ConformanceResult(string Scenario, ConformanceOutcome Outcome, string Reason)
{
    /// <summary>How long the scenario took, its processes' start and stop included.</summary>
    public TimeSpan Elapsed { get; init; }
}
