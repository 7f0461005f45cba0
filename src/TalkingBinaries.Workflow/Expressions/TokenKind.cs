namespace TalkingBinaries.Workflow.Expressions;

/// <summary>The kinds of token an expression is made of.</summary>
internal enum TokenKind
{
    End,
    Identifier,
    Number,
    String,
    Dot,
    Comma,
    LeftParen,
    RightParen,
    LeftBracket,
    RightBracket,
    Not,
    And,
    Or,
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}
