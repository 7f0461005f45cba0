namespace TalkingBinaries.Cli;

/// <summary>The options of <c>tb validate</c>, as written on the command line.</summary>
internal sealed record ValidateArguments(string? File, string Version)
{
    public IReadOnlyList<string> Variables { get; init; } = [];

    public IReadOnlyList<string> VarFiles { get; init; } = [];

    /// <summary>Start no plugin to ask what it declares; every plugin's variables and outputs are then unknown.</summary>
    public bool NoProbe { get; init; }

    public bool NoColor { get; init; }
}
