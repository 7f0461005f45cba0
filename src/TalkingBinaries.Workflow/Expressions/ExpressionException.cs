namespace TalkingBinaries.Workflow.Expressions;

/// <summary>An expression could not be parsed or evaluated; <see cref="Position"/> and <see cref="Length"/> mark the part at fault.</summary>
/// <remarks>The message is one line without the position, so a caller can prefix it with a file, line and column.</remarks>
internal sealed class ExpressionException : Exception
{
    /// <summary>Creates the exception for the part of the text at <paramref name="position"/>, <paramref name="length"/> characters long.</summary>
    public ExpressionException(string message, int position, int length)
        : base(message)
    {
        Position = position;
        Length = length;
    }

    /// <summary>The 0-based character offset of the part at fault in the text that was parsed (for a template, the whole template).</summary>
    public int Position { get; }

    /// <summary>How many characters the part at fault spans; 0 at the end of the text.</summary>
    public int Length { get; }
}
