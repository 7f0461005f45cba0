using TalkingBinaries.Hosting.Processes;

namespace TalkingBinaries.Hosting.Slurm;

/// <summary>Starts a plugin as a Slurm job step: <c>srun … -- relay ENDPOINT TOKEN -- plugin</c>, the relay connecting back to this host.</summary>
/// <remarks>
/// Under <c>salloc</c> or <c>sbatch</c> (SLURM_JOB_ID set) srun makes a step of the current allocation; otherwise a job
/// of its own. srun is this host's child in a process group of its own, so stopping works as locally: the protocol
/// first, then end of stdin (the relay closes the plugin's), then SIGTERM and SIGKILL to srun, which Slurm turns into
/// SIGKILL of the whole job step on the node.
/// </remarks>
internal sealed class SlurmLauncher(SlurmOptions options) : PluginLauncher
{
    public override string Name => "slurm";

    internal override ChildProcess Launch(PluginCommand command)
    {
        if (!OperatingSystem.IsLinux())
        {
            throw new PlatformNotSupportedException("TalkingBinaries.Hosting starts plugins on Linux only");
        }

        var srun = FindOnPath(options.Srun) ?? throw new PluginException(
            PluginErrorKind.StartFailed,
            $"plugin '{command.Name}': '{options.Srun}' is not on PATH, so it cannot run on Slurm; install Slurm's client commands or give the plugin 'executor: local'");
        RelayListener relay;
        try
        {
            relay = new RelayListener(options.CallbackAddress);
        }
        catch (System.Net.Sockets.SocketException exception)
        {
            throw new PluginException(
                PluginErrorKind.StartFailed,
                $"plugin '{command.Name}': cannot listen for its relay on {options.CallbackAddress ?? "this host's address"}: {exception.Message}; give the executor a 'callback_address' of this host that the nodes can reach",
                exception);
        }

        try
        {
            // The token goes in the environment srun passes on, not on a command line every user of the node can read.
            List<string> arguments = [.. options.SrunArguments($"tb-{command.Name}", insideAllocation: !string.IsNullOrEmpty(System.Environment.GetEnvironmentVariable("SLURM_JOB_ID"))), "--", .. options.Relay, relay.Endpoint, "--", command.ExecutablePath, .. command.Arguments];
            var environment = Environment(command);
            environment[NodeRelay.TokenVariable] = relay.Token;
            var child = ChildProcess.Start(srun, arguments, environment, command.WorkingDirectory);
            child.UseRelay(relay);
            return child;
        }
        catch (IOException exception)
        {
            relay.Dispose();
            throw new PluginException(PluginErrorKind.StartFailed, $"plugin '{command.Name}': {exception.Message}. Check that {srun} runs on this machine.", exception);
        }
    }

    private static string? FindOnPath(string name)
    {
        if (name.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(name) ? Path.GetFullPath(name) : null;
        }

        return (System.Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name))
            .FirstOrDefault(File.Exists);
    }
}
