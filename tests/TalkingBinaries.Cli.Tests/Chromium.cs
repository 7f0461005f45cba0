using System.Diagnostics;
using System.Globalization;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>Runs headless Chromium once, in its own process group with a deadline, and leaves none of its processes behind.</summary>
internal static class Chromium
{
    private const string MarkerName = "TB_TEST_CHROMIUM";

    /// <summary>The chromium executable on PATH, or null.</summary>
    public static string? Executable { get; } = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
        .Split(':', StringSplitOptions.RemoveEmptyEntries)
        .Select(directory => Path.Combine(directory, "chromium"))
        .FirstOrDefault(File.Exists);

    /// <summary>The page's DOM after its scripts ran.</summary>
    public static async Task<string> DumpDomAsync(string page, CancellationToken deadline) =>
        await RunAsync(["--dump-dom", new Uri(page).AbsoluteUri], deadline);

    /// <summary>A PNG of the page, <paramref name="width"/> by <paramref name="height"/>, written to <paramref name="png"/>.</summary>
    public static async Task ScreenshotAsync(string page, string png, int width, int height, CancellationToken deadline) =>
        await RunAsync([$"--screenshot={png}", string.Create(CultureInfo.InvariantCulture, $"--window-size={width},{height}"), "--hide-scrollbars", new Uri(page).AbsoluteUri], deadline);

    private static async Task<string> RunAsync(IEnumerable<string> arguments, CancellationToken deadline)
    {
        var profile = Directory.CreateTempSubdirectory("tb-chromium-");
        var marker = Guid.NewGuid().ToString("N");

        // setsid makes chromium a process-group leader (it is not one already, so setsid execs in place and keeps the
        // pid): the whole group, zygotes and renderers included, can then be killed at once.
        var start = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[Executable!, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--no-default-browser-check",
                     "--disable-extensions", "--disable-dev-shm-usage", "--disable-background-networking", $"--user-data-dir={profile.FullName}", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment[MarkerName] = marker;
        start.Environment["HOME"] = profile.FullName;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync(deadline);
        var stderr = process.StandardError.ReadToEndAsync(deadline);
        try
        {
            await process.WaitForExitAsync(deadline);
            var output = await stdout;
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"chromium exited with {process.ExitCode}: {await stderr}");
            }

            return output;
        }
        finally
        {
            // Past the deadline chromium still runs: while its leader is unreaped the group id is surely ours.
            if (!process.HasExited)
            {
                Kill("-" + process.Id.ToString(CultureInfo.InvariantCulture));
            }

            // Anything left carries our marker, so it is ours to kill; the test still fails, since chromium should not leave it.
            var survivors = await ProcessTable.SurvivorsWithEnvironmentAsync($"{MarkerName}={marker}", seconds: 5);
            foreach (var survivor in survivors)
            {
                Kill(survivor.ToString(CultureInfo.InvariantCulture));
            }

            profile.Delete(recursive: true);
            Assert.True(survivors.Count == 0, $"chromium left processes behind: {string.Join(", ", survivors)}");
        }
    }

    private static void Kill(string target)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill", ["-s", "KILL", "--", target]) { RedirectStandardError = true, UseShellExecute = false })!;
        kill.WaitForExit();
    }
}
