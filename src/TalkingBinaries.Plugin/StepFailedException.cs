namespace TalkingBinaries.Plugin;

/// <summary>Thrown by a step handler to fail the step with a message for the user and a short code.</summary>
public sealed class StepFailedException : Exception
{
    /// <summary>Fails the step with <paramref name="message"/>.</summary>
    public StepFailedException(string message)
        : base(message)
    {
    }

    /// <summary>Fails the step with <paramref name="message"/> and a machine-readable <paramref name="code"/>.</summary>
    public StepFailedException(string message, string? code)
        : base(message)
    {
        Code = code;
    }

    /// <summary>Fails the step with <paramref name="message"/>, keeping the cause.</summary>
    public StepFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>A short machine-readable reason, such as <c>command_failed</c>.</summary>
    public string? Code { get; }

    /// <summary>An exit code worth reporting, such as that of a failed command.</summary>
    public int? ExitCode { get; init; }
}
