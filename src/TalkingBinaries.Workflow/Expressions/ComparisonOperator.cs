namespace TalkingBinaries.Workflow.Expressions;

/// <summary>The operators that compare two values.</summary>
internal enum ComparisonOperator
{
    Equal,
    NotEqual,
    Less,
    LessOrEqual,
    Greater,
    GreaterOrEqual,
}
