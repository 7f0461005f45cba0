using System.Globalization;
using System.Text.Json;
using TalkingBinaries.Hosting.Conformance;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Cli;

/// <summary>What <c>tb plugin check</c> does: read the options, run the conformance suite, print a table (or JSON).</summary>
internal static class PluginCheck
{
    private const int OutcomeWidth = 4;
    private const int TimeWidth = 9;

    public static async Task<int> RunAsync(CheckArguments arguments)
    {
        using var terminal = Terminal.ForConsole(arguments.NoColor || arguments.Json);
        if (!TryReadOptions(terminal, arguments, out var options))
        {
            return ExitCodes.UsageOrConfig;
        }

        var path = Path.GetFullPath(arguments.Path);
        var nameWidth = ConformanceSuite.Scenarios.Max(name => name.Length);
        if (!arguments.Json)
        {
            terminal.Line($"tb: checking {path} ({ConformanceSuite.Scenarios.Count} scenarios, {Durations.Format(options.Timeout)} deadline for each wait)");
            terminal.Line(string.Join("  ", "SCENARIO".PadRight(nameWidth), "RESULT".PadRight(OutcomeWidth), "TIME".PadLeft(TimeWidth), "REASON"));
        }

        using var interruption = new Interruption(message => terminal.ErrorLine($"tb: {message}"));
        IReadOnlyList<ConformanceResult> results;
        try
        {
            results = await ConformanceSuite.RunAsync(
                path,
                options,
                arguments.Json ? null : result => terminal.Line(Row(terminal, result, nameWidth)),
                interruption.Stop);
        }
        catch (OperationCanceledException) when (interruption.Stop.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }

        var failed = results.Count(result => result.Outcome == ConformanceOutcome.Failed);
        if (arguments.Json)
        {
            var report = new CheckReport(path, failed == 0, [.. results.Select(result => new CheckReportScenario(
                result.Scenario,
                result.Outcome.ToString().ToLowerInvariant(),
                result.Reason,
                Math.Round(result.Elapsed.TotalMilliseconds, 2)))]);
            terminal.Line(JsonSerializer.Serialize(report, CliJsonContext.Default.CheckReport));
        }
        else
        {
            var passed = results.Count(result => result.Outcome == ConformanceOutcome.Passed);
            var skipped = results.Count(result => result.Outcome == ConformanceOutcome.Skipped);
            var verdict = failed == 0 ? terminal.Green("conforms") : terminal.Red("does not conform");
            terminal.Line($"{Path.GetFileName(path)} {verdict}: {passed} passed, {failed} failed, {skipped} skipped (docs/protocol.md, \"Checking a plugin\")");
        }

        return failed == 0 ? ExitCodes.Success : ExitCodes.StepFailed;
    }

    private static string Row(Terminal terminal, ConformanceResult result, int nameWidth)
    {
        var (word, paint) = result.Outcome switch
        {
            ConformanceOutcome.Passed => ("pass", (Func<string, string>)terminal.Green),
            ConformanceOutcome.Failed => ("FAIL", terminal.Red),
            _ => ("skip", terminal.Yellow),
        };
        var time = ConsoleReporter.Ms(result.Elapsed.TotalMilliseconds).PadLeft(TimeWidth);
        return string.Join("  ", result.Scenario.PadRight(nameWidth), paint(word.PadRight(OutcomeWidth)), time, result.Reason);
    }

    private static bool TryReadOptions(Terminal terminal, CheckArguments arguments, out ConformanceOptions options)
    {
        options = ConformanceOptions.Default with { Host = new PeerInfo("tb", arguments.Version) };
        var path = Path.GetFullPath(arguments.Path);
        if (Directory.Exists(path))
        {
            terminal.ErrorLine($"tb: error: {path} is a directory; give the plugin executable itself");
            return false;
        }

        if (!File.Exists(path))
        {
            terminal.ErrorLine($"tb: error: {path}: no such file; give the path of a plugin executable");
            return false;
        }

        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(path) & (UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute)) == 0)
        {
            terminal.ErrorLine($"tb: error: {path} is not executable; make it so with 'chmod +x {arguments.Path}' (a script also needs a #! line)");
            return false;
        }

        if (!TryReadConfig(terminal, "--config", arguments.Config, out var config) || !TryReadConfig(terminal, "--slow-config", arguments.SlowConfig, out var slowConfig))
        {
            return false;
        }

        var timeout = options.Timeout;
        if (arguments.Timeout is { } timeoutText)
        {
            if (!Durations.TryParse(timeoutText, out timeout, out var problem))
            {
                terminal.ErrorLine($"tb: error: --timeout {problem}");
                return false;
            }

            if (timeout <= TimeSpan.Zero)
            {
                terminal.ErrorLine($"tb: error: --timeout must be more than zero, not '{timeoutText}'; write it like 500ms or 5s");
                return false;
            }
        }

        options = options with { Config = config ?? options.Config, SlowConfig = slowConfig, Timeout = timeout };
        return true;
    }

    private static bool TryReadConfig(Terminal terminal, string option, string? text, out JsonElement? config)
    {
        config = null;
        if (text is null)
        {
            return true;
        }

        try
        {
            var value = JsonElement.Parse(text);
            if (value.ValueKind != JsonValueKind.Object)
            {
                terminal.ErrorLine($"tb: error: {option} must be a JSON object such as '{{\"say\":\"hi\"}}', not {value.ValueKind.ToString().ToLowerInvariant()} {Shorten(text)}");
                return false;
            }

            config = value;
            return true;
        }
        catch (JsonException exception)
        {
            terminal.ErrorLine($"tb: error: {option} is not valid JSON ({exception.Message.Split(" Path:")[0].TrimEnd('.')}); give an object such as '{{\"say\":\"hi\"}}'");
            return false;
        }
    }

    private static string Shorten(string text) => text.Length <= 40 ? text : string.Concat(text.AsSpan(0, 37), "...");
}
