using System.Diagnostics;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>
/// Runs a command on a real terminal: a detached tmux session of its own (own socket, 100 by 30), the command under
/// util-linux's <c>script</c>, which records every byte it writes; the pane is what a person would see.
/// </summary>
internal sealed class TmuxTerminal : IDisposable
{
    public const int Width = 100;
    public const int Height = 30;
    private const string MarkerName = "TB_TEST_RUN";
    private const string ExitedMark = "command exited with";

    private readonly string _socket = "tb-live-" + Guid.NewGuid().ToString("N");
    private readonly string _marker = Guid.NewGuid().ToString("N");
    private readonly string _bytesPath;

    private TmuxTerminal(string directory) => _bytesPath = Path.Combine(directory, "terminal-bytes");

    /// <summary>Starts <paramref name="command"/> (a shell command line) in <paramref name="directory"/>.</summary>
    public static TmuxTerminal Start(string directory, string command)
    {
        var terminal = new TmuxTerminal(directory);
        var recorded = $"script -qfec {Quote(command)} {Quote(terminal._bytesPath)}; echo \"{ExitedMark} $?\"; exec sleep 600";
        terminal.Tmux(
            "new-session", "-d", "-x", Width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", Height.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "-c", directory, "-e", $"{MarkerName}={terminal._marker}", "sh", "-c", recorded);
        return terminal;
    }

    /// <summary>Every byte the command has written to its terminal so far.</summary>
    public string Bytes => File.Exists(_bytesPath) ? File.ReadAllText(_bytesPath) : string.Empty;

    /// <summary>The pane as it shows now, one string per row, trailing blanks cut.</summary>
    public string Screen() => Tmux("capture-pane", "-p");

    public void Send(string keys) => Tmux("send-keys", keys);

    /// <summary>Waits until the pane shows <paramref name="text"/>; returns the screen that showed it.</summary>
    public async Task<string> WaitForScreenAsync(string text, CancellationToken deadline)
    {
        while (true)
        {
            var screen = Screen();
            if (screen.Contains(text, StringComparison.Ordinal))
            {
                return screen;
            }

            if (screen.Contains(ExitedMark, StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"the command ended before the screen showed '{text}':\n{screen}");
            }

            await Task.Delay(20, deadline);
        }
    }

    /// <summary>Waits for the command to exit; returns its exit code.</summary>
    public async Task<int> WaitForExitAsync(CancellationToken deadline)
    {
        var screen = await WaitForScreenAsync(ExitedMark, deadline);
        var line = screen.Split('\n').Last(row => row.StartsWith(ExitedMark, StringComparison.Ordinal));
        return int.Parse(line[ExitedMark.Length..], System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The screen without the line that says the command exited.</summary>
    public string FinalScreen() => string.Join('\n', Screen().Split('\n').Where(row => !row.StartsWith(ExitedMark, StringComparison.Ordinal))).TrimEnd();

    /// <summary>Ends the session and fails when anything the command started outlives it.</summary>
    public async Task StopAsync()
    {
        Tmux("kill-server");
        var survivors = await ProcessTable.SurvivorsWithEnvironmentAsync($"{MarkerName}={_marker}", seconds: 5);
        if (survivors.Count > 0)
        {
            throw new InvalidOperationException($"processes outlived the terminal: {string.Join(", ", survivors)}");
        }
    }

    public void Dispose()
    {
        try
        {
            Tmux("kill-server");
        }
        catch (InvalidOperationException)
        {
            // Already stopped.
        }
    }

    private string Tmux(params string[] arguments)
    {
        var start = new ProcessStartInfo("tmux") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        start.ArgumentList.Add("-f");
        start.ArgumentList.Add("/dev/null");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("NO_COLOR");
        start.Environment.Remove("TMUX");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? output.Result
            : throw new InvalidOperationException($"tmux {string.Join(' ', arguments)} exited {process.ExitCode}: {error}");
    }

    private static string Quote(string text) => "'" + text.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
