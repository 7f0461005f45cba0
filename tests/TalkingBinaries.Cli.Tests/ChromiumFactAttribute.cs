namespace TalkingBinaries.Cli.Tests;

/// <summary>A fact that needs Chromium (scripts/test-tools/install.sh installs it; .ci/run calls it), skipped with the reason when it is not there.</summary>
public sealed class ChromiumFactAttribute : FactAttribute
{
    public ChromiumFactAttribute()
    {
        if (Chromium.Executable is null)
        {
            Skip = "chromium is not on PATH: scripts/test-tools/install.sh installs it (Debian's chromium package)";
        }
    }
}
