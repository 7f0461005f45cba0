namespace TalkingBinaries.Cli;

/// <summary>The options of <c>tb run</c>.</summary>
internal sealed record RunArguments(string? File, string? Report, string Grace, bool Verbose, bool NoColor, string Version);
