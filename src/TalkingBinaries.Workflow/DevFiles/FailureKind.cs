namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>How a step attempt failed, as a retry's <c>on</c> names it (docs/devfile.md, "Retries").</summary>
public enum FailureKind
{
    /// <summary><c>exit</c>: the plugin process exited with a non-zero exit code.</summary>
    Exit,

    /// <summary><c>signal</c>: the plugin process was killed by a signal (it crashed, or something killed it).</summary>
    Signal,

    /// <summary><c>timeout</c>: the step's own <c>timeout</c> ran out.</summary>
    Timeout,

    /// <summary><c>error</c>: the plugin answered the step with an error, or could not be started or talked to.</summary>
    Error,
}
