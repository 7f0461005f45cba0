using System.Diagnostics;
using System.Text;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Cli.Tests;

/// <summary>Runs the tb executable as a user would, capturing its output.</summary>
internal sealed class Tb : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private const string MarkerName = "TB_TEST_RUN";

    private readonly string _marker;

    private Tb(Process process, string marker)
    {
        _process = process;
        _marker = marker;
        process.OutputDataReceived += (_, line) => Append(_stdout, line.Data);
        process.ErrorDataReceived += (_, line) => Append(_stderr, line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    public int Pid => _process.Id;

    public string Stdout
    {
        get
        {
            lock (_stdout)
            {
                return _stdout.ToString();
            }
        }
    }

    public string Stderr
    {
        get
        {
            lock (_stderr)
            {
                return _stderr.ToString();
            }
        }
    }

    public static Tb StartExecutable(string workingDirectory, string executable, IReadOnlyDictionary<string, string>? environment, params string[] arguments)
    {
        var marker = Guid.NewGuid().ToString("N");
        var start = new ProcessStartInfo(executable)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment.Remove("NO_COLOR");

        // A spec run on GitHub Actions would otherwise get workflow commands and a job summary it never asked for.
        start.Environment.Remove("GITHUB_ACTIONS");
        start.Environment.Remove("GITHUB_STEP_SUMMARY");

        // Every process tb starts inherits this, so the test can find any that outlives tb.
        start.Environment[MarkerName] = marker;
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        return new Tb(Process.Start(start)!, marker);
    }

    public static Tb Start(string workingDirectory, params string[] arguments) => StartExecutable(workingDirectory, TestExecutables.Tb, null, arguments);

    public static async Task<Tb> RunAsync(string workingDirectory, params string[] arguments)
    {
        var tb = Start(workingDirectory, arguments);
        await tb.WaitAsync(Deadline.After(60));
        return tb;
    }

    public async Task<int> WaitAsync(CancellationToken deadline)
    {
        try
        {
            await _process.WaitForExitAsync(deadline);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            throw;
        }

        // WaitForExitAsync waits for the redirected streams to end too, so every line is in.
        // Every process test asserts that nothing tb started outlives it.
        var survivors = await ProcessTable.SurvivorsWithEnvironmentAsync($"{MarkerName}={_marker}", seconds: 1);
        if (survivors.Count > 0)
        {
            throw new InvalidOperationException($"tb exited but left processes behind: {string.Join(", ", survivors)}");
        }

        return _process.ExitCode;
    }

    public int ExitCode => _process.ExitCode;

    public bool HasExited => _process.HasExited;

    public void Signal(string name)
    {
        using var kill = Process.Start("/bin/kill", ["-" + name, Pid.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
    }

    /// <summary>Waits until tb has printed <paramref name="text"/> on stdout.</summary>
    public Task WaitForOutputAsync(string text, CancellationToken deadline) => WaitForAsync(() => Stdout, text, "on stdout", deadline);

    /// <summary>Waits until tb has printed <paramref name="text"/> on stderr.</summary>
    public Task WaitForErrorAsync(string text, CancellationToken deadline) => WaitForAsync(() => Stderr, text, "on stderr", deadline);

    private async Task WaitForAsync(Func<string> stream, string text, string where, CancellationToken deadline)
    {
        while (!stream().Contains(text, StringComparison.Ordinal))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"tb exited before printing '{text}' {where}:\n{Stdout}\n{Stderr}");
            }

            await Task.Delay(10, deadline);
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static void Append(StringBuilder builder, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (builder)
        {
            builder.Append(line).Append('\n');
        }
    }
}
