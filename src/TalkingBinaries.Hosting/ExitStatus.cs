namespace TalkingBinaries.Hosting;

/// <summary>How a process ended: with an exit code, or killed by a signal.</summary>
/// <param name="Code">The exit code, when the process exited by itself.</param>
/// <param name="Signal">The signal number, when a signal killed it.</param>
public readonly record struct ExitStatus(int? Code, int? Signal)
{
    /// <summary>True for exit code 0.</summary>
    public bool Succeeded => Code == 0;

    /// <summary>An exit with <paramref name="code"/>.</summary>
    public static ExitStatus Exited(int code) => new(code, null);

    /// <summary>Death by <paramref name="signal"/>.</summary>
    public static ExitStatus Killed(int signal) => new(null, signal);

    /// <summary>The shell's convention: the exit code, or 128 plus the signal number.</summary>
    public int ShellCode => Code ?? (128 + (Signal ?? 0));

    /// <summary>"exit code 3" or "killed by signal 9 (SIGKILL)".</summary>
    public override string ToString() => Code is { } code
        ? $"exit code {code}"
        : $"killed by signal {Signal} ({SignalName(Signal ?? 0)})";

    /// <summary>As the end of a sentence about the process: "exited with exit code 3" or "was killed by signal 9 (SIGKILL)".</summary>
    public string Describe() => Code is null ? $"was {this}" : $"exited with {this}";

    /// <summary>The conventional name of a Linux signal number.</summary>
    public static string SignalName(int signal) => signal switch
    {
        1 => "SIGHUP",
        2 => "SIGINT",
        3 => "SIGQUIT",
        4 => "SIGILL",
        5 => "SIGTRAP",
        6 => "SIGABRT",
        7 => "SIGBUS",
        8 => "SIGFPE",
        9 => "SIGKILL",
        10 => "SIGUSR1",
        11 => "SIGSEGV",
        12 => "SIGUSR2",
        13 => "SIGPIPE",
        14 => "SIGALRM",
        15 => "SIGTERM",
        _ => $"signal {signal}",
    };
}
