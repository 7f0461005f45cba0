namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>A DevFile could not be found, read or validated; <see cref="Errors"/> has one line per problem.</summary>
public sealed class DevFileException : Exception
{
    /// <summary>Creates the exception from the problems found.</summary>
    public DevFileException(IReadOnlyList<DevFileError> errors)
        : base(string.Join(Environment.NewLine, errors ?? throw new ArgumentNullException(nameof(errors))))
    {
        Errors = errors;
    }

    /// <summary>Creates the exception for a problem that has no place in a file (none was found).</summary>
    public DevFileException(string message)
        : base(message)
    {
        Errors = [];
    }

    /// <summary>Creates the exception with a cause.</summary>
    public DevFileException(string message, Exception innerException)
        : base(message, innerException)
    {
        Errors = [];
    }

    /// <summary>Every problem found, in file order.</summary>
    public IReadOnlyList<DevFileError> Errors { get; }
}
