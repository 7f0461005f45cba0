using System.ComponentModel;
using System.Diagnostics;

namespace TalkingBinaries.Hosting.Packages;

/// <summary>Runs an ecosystem's own client to install a package, so the user's feeds, credentials and configuration apply.</summary>
internal static class PackageClient
{
    private const int KeptLines = 20;

    public static Task InstallAsync(PackageSource source, string directory, string workingDirectory, CancellationToken cancellationToken) =>
        source.Ecosystem switch
        {
            PackageEcosystem.NuGet => RunAsync(
                source,
                Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet",
                ["tool", "install", "--tool-path", directory, source.Name, "--version", source.Version],
                workingDirectory,
                "the .NET SDK",
                cancellationToken),

            // --ignore-scripts: installing runs none of the package's code; the plugin's integrity is checked before it ever runs.
            _ => RunAsync(
                source,
                "npm",
                ["install", "--prefix", directory, "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error", $"{source.Name}@{source.Version}"],
                workingDirectory,
                "Node.js and npm",
                cancellationToken),
        };

    private static async Task RunAsync(PackageSource source, string client, IReadOnlyList<string> arguments, string workingDirectory, string provider, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(client)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new PackageException($"cannot start {client} to install {source}");
        }
        catch (Win32Exception exception)
        {
            throw new PackageException($"cannot install {source}: '{client}' is not on PATH ({exception.Message}); install {provider}", exception);
        }

        using (process)
        {
            process.StandardInput.Close();
            var tail = new Queue<string>();
            var output = Collect(process.StandardOutput, tail);
            var error = Collect(process.StandardError, tail);
            try
            {
                await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
                throw;
            }

            await Task.WhenAll(output, error).ConfigureAwait(false);
            if (process.ExitCode != 0)
            {
                string said;
                lock (tail)
                {
                    said = string.Join(" | ", tail);
                }

                throw new PackageException($"cannot install {source}: '{Path.GetFileName(client)} {string.Join(' ', arguments.TakeWhile(argument => !argument.StartsWith('-')))}' exited with code {process.ExitCode}: {said}");
            }
        }
    }

    /// <summary>Reads a stream to its end, keeping its last non-empty lines in <paramref name="tail"/>.</summary>
    private static async Task Collect(StreamReader reader, Queue<string> tail)
    {
        while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
        {
            if (line.Trim() is not { Length: > 0 } trimmed)
            {
                continue;
            }

            lock (tail)
            {
                tail.Enqueue(trimmed.Length > 300 ? trimmed[..300] + "..." : trimmed);
                if (tail.Count > KeptLines)
                {
                    tail.Dequeue();
                }
            }
        }
    }
}
