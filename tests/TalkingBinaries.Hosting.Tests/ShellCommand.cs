using System.Diagnostics;

namespace TalkingBinaries.Hosting.Tests;

/// <summary>Runs a system tool (sha256sum, bash) to compute an expected value independently of the code under test.</summary>
internal static class ShellCommand
{
    public static string Output(string program, params string[] arguments)
    {
        var start = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        if (!process.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} did not finish in 30 s");
        }

        Assert.True(process.ExitCode == 0, $"{program} {string.Join(' ', arguments)} exited with {process.ExitCode}: {error}");
        return output.GetAwaiter().GetResult();
    }

    /// <summary>The first field of a <c>sha256sum</c> line: the hash.</summary>
    public static string Sha256Sum(string path) => Output("/usr/bin/sha256sum", "--", path).Split(' ')[0].TrimStart('\\');

    /// <summary>The tree hash as docs and <see cref="Integrity.PluginHashes.HashTree"/> document it, by the shell pipeline itself.</summary>
    public static string TreeSum(string directory) =>
        Output("/bin/bash", "-c", "(cd \"$1\" && find . -type f -printf '%P\\n' | LC_ALL=C sort | xargs -r -d '\\n' sha256sum) | sha256sum", "tree-sum", directory).Split(' ')[0];
}
