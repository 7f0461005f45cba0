namespace TalkingBinaries.Cli;

/// <summary>The options of <c>tb plugin check</c>, as written on the command line.</summary>
internal sealed record CheckArguments(string Path, string Version)
{
    public string? Config { get; init; }

    public string? SlowConfig { get; init; }

    public string? Timeout { get; init; }

    public bool Json { get; init; }

    public bool NoColor { get; init; }
}
