namespace TalkingBinaries.Workflow.Variables;

/// <summary>What a variable may be called: letters, digits, <c>_</c> and <c>-</c>, starting with a letter or <c>_</c>.</summary>
public static class VariableNames
{
    /// <summary>Whether <paramref name="name"/> can be used as <c>vars.NAME</c>.</summary>
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name)
        && (char.IsAsciiLetter(name[0]) || name[0] == '_')
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');
}
