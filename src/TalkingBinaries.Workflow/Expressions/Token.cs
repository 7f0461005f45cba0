using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>One token: its kind, where it is, and for names and literals what it says.</summary>
/// <param name="Kind">What the token is.</param>
/// <param name="Position">The 0-based offset of its first character in the source.</param>
/// <param name="Length">How many characters it spans; 0 for the end.</param>
/// <param name="Name">The identifier, for <see cref="TokenKind.Identifier"/>.</param>
/// <param name="Value">The value, for <see cref="TokenKind.Number"/> and <see cref="TokenKind.String"/>.</param>
internal readonly record struct Token(TokenKind Kind, int Position, int Length, string? Name = null, JsonElement Value = default)
{
    public int End => Position + Length;
}
