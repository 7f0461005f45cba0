namespace TalkingBinaries.Cli;

/// <summary>GitHub Actions' workflow commands (<c>::name key=value::data</c> lines on stdout), escaped as the runner unescapes them.</summary>
internal static class WorkflowCommands
{
    /// <summary>Whether tb runs as a step of a GitHub Actions job (the runner sets <c>GITHUB_ACTIONS=true</c>).</summary>
    public static bool ActiveIn(Invocation invocation) => string.Equals(invocation.Variable("GITHUB_ACTIONS"), "true", StringComparison.OrdinalIgnoreCase);

    public static string Group(string title) => $"::group::{EscapeData(title)}";

    public const string EndGroup = "::endgroup::";

    public static string AddMask(string secret) => $"::add-mask::{EscapeData(secret)}";

    public static string Error(string title, string message) => $"::error title={EscapeProperty(title)}::{EscapeData(message)}";

    /// <summary>A command's data: <c>%</c>, CR and LF as <c>%25</c>, <c>%0D</c>, <c>%0A</c>, so it stays one line.</summary>
    public static string EscapeData(string text) => text.Replace("%", "%25", StringComparison.Ordinal)
        .Replace("\r", "%0D", StringComparison.Ordinal)
        .Replace("\n", "%0A", StringComparison.Ordinal);

    /// <summary>A property's value: as data, and <c>:</c> and <c>,</c>, which end a property, as <c>%3A</c> and <c>%2C</c>.</summary>
    public static string EscapeProperty(string text) => EscapeData(text)
        .Replace(":", "%3A", StringComparison.Ordinal)
        .Replace(",", "%2C", StringComparison.Ordinal);
}
