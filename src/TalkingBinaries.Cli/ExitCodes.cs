using System.Runtime.InteropServices;

namespace TalkingBinaries.Cli;

/// <summary>tb's exit codes (README, "Exit codes").</summary>
internal static class ExitCodes
{
    /// <summary>Every step succeeded, or the DevFile is valid.</summary>
    public const int Success = 0;

    /// <summary>A step failed.</summary>
    public const int StepFailed = 1;

    /// <summary>Bad command line, or a DevFile that cannot be found, read or validated, or a plugin not found.</summary>
    public const int UsageOrConfig = 2;

    /// <summary>The run took longer than <c>--timeout</c> (as timeout(1) exits).</summary>
    public const int TimedOut = 124;

    /// <summary>Stopped by SIGHUP: the terminal closed or the ssh connection dropped (128 + SIGHUP).</summary>
    public const int HungUp = 129;

    /// <summary>Interrupted by Ctrl-C (128 + SIGINT).</summary>
    public const int Interrupted = 130;

    /// <summary>Stopped by SIGTERM (128 + SIGTERM).</summary>
    public const int Terminated = 143;

    /// <summary>The exit code for a stop by <paramref name="signal"/>: SIGINT (or none known) 130, SIGTERM 143, SIGHUP 129.</summary>
    public static int Stopped(PosixSignal? signal) => signal switch
    {
        PosixSignal.SIGTERM => Terminated,
        PosixSignal.SIGHUP => HungUp,
        _ => Interrupted,
    };
}
