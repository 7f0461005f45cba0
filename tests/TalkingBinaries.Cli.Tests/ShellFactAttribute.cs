namespace TalkingBinaries.Cli.Tests;

/// <summary>A fact that needs a shell (bash, zsh, fish) on PATH, skipped with the reason when it is not installed.</summary>
public sealed class ShellFactAttribute : FactAttribute
{
    public ShellFactAttribute(string shell)
    {
        var paths = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries);
        if (!paths.Any(directory => File.Exists(Path.Combine(directory, shell))))
        {
            Skip = $"{shell} is not installed, so its completion script is not tried (scripts/test-tools/install.sh installs it)";
        }
    }
}
