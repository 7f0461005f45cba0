using TalkingBinaries.Hosting.Processes;
using TalkingBinaries.Protocol;
using SlurmLauncher = TalkingBinaries.Hosting.Slurm.SlurmLauncher;
using SlurmOptions = TalkingBinaries.Hosting.Slurm.SlurmOptions;

namespace TalkingBinaries.Hosting;

/// <summary>How a plugin's process is started: where it runs, and what stands between it and the host's pipes.</summary>
/// <remarks>
/// Whatever the launcher, the plugin sees the same protocol on its stdin and stdout, the host's environment plus the
/// command's and the protocol's cookie (docs/protocol.md, "Launch"), and is stopped the same way.
/// </remarks>
public abstract class PluginLauncher
{
    private protected PluginLauncher()
    {
    }

    /// <summary>A child process of this one, in a process group of its own (Linux only).</summary>
    public static PluginLauncher Local { get; } = new LocalLauncher();

    /// <summary>Through <c>srun</c> on a Slurm cluster, with a relay on the node for its stdio (docs/cluster.md).</summary>
    public static PluginLauncher Slurm(SlurmOptions options) => new SlurmLauncher(options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>What the report calls this executor: <c>local</c> or <c>slurm</c>.</summary>
    public abstract string Name { get; }

    /// <summary>Starts <paramref name="command"/>; throws <see cref="PluginException"/> when it cannot.</summary>
    internal abstract ChildProcess Launch(PluginCommand command);

    /// <summary>The host's environment (or the command's base), then the command's additions and removals, then the cookie (unless the command is started without it).</summary>
    private protected static Dictionary<string, string> Environment(PluginCommand command)
    {
        var environment = new Dictionary<string, string>(command.BaseEnvironment ?? ProcessEnvironment.Current(), StringComparer.Ordinal);

        foreach (var (name, value) in command.Environment)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        if (command.WithoutCookie)
        {
            environment.Remove(PluginCookie.Name);
        }
        else
        {
            environment[PluginCookie.Name] = PluginCookie.Value;
        }

        return environment;
    }

    private sealed class LocalLauncher : PluginLauncher
    {
        public override string Name => "local";

        internal override ChildProcess Launch(PluginCommand command)
        {
            if (!OperatingSystem.IsLinux())
            {
                // posix_spawn's layout, the signal numbers and waitid are Linux's (Processes/LibC.cs).
                throw new PlatformNotSupportedException("TalkingBinaries.Hosting starts plugins on Linux only");
            }

            try
            {
                return ChildProcess.Start(command.ExecutablePath, command.Arguments, Environment(command), command.WorkingDirectory);
            }
            catch (IOException exception)
            {
                throw new PluginException(PluginErrorKind.StartFailed, $"plugin '{command.Name}': {exception.Message}. Check that {command.ExecutablePath} is an executable for this machine.", exception);
            }
        }
    }
}
