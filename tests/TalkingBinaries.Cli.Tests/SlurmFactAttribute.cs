using System.Diagnostics;

namespace TalkingBinaries.Cli.Tests;

/// <summary>A fact that needs a running Slurm cluster (scripts/slurm/start.sh starts one; .ci/run calls it), skipped with the reason when there is none.</summary>
public sealed class SlurmFactAttribute : FactAttribute
{
    private static readonly Lazy<string?> Missing = new(FindProblem);

    public SlurmFactAttribute()
    {
        if (Missing.Value is { } problem)
        {
            Skip = $"no Slurm cluster to run on: {problem}; scripts/slurm/start.sh starts a single-node one";
        }
    }

    private static string? FindProblem()
    {
        try
        {
            using var sinfo = Process.Start(new ProcessStartInfo("sinfo", ["-h", "-o", "%T"]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
            var states = sinfo.StandardOutput.ReadToEnd();
            if (!sinfo.WaitForExit(10_000))
            {
                sinfo.Kill();
                return "sinfo did not answer in 10 s";
            }

            return sinfo.ExitCode != 0 ? $"sinfo exited with {sinfo.ExitCode}"
                : states.Split('\n').Any(state => state.Trim() is "idle" or "mixed" or "allocated") ? null
                : $"no node is up (sinfo says '{states.Trim()}')";
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "sinfo is not on PATH (Slurm is not installed)";
        }
    }
}
