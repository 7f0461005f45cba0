namespace TalkingBinaries.Cli;

/// <summary>What <c>tb plugin check --json</c> prints: the plugin, whether it passed, and each scenario's result.</summary>
internal sealed record CheckReport(string Plugin, bool Passed, IReadOnlyList<CheckReportScenario> Scenarios);

/// <summary>One scenario in <see cref="CheckReport"/>; <c>outcome</c> is <c>passed</c>, <c>failed</c> or <c>skipped</c>.</summary>
internal sealed record CheckReportScenario(string Name, string Outcome, string Reason, double ElapsedMs);
