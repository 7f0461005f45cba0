using System.Globalization;
using System.Net;
using System.Text.Json;

namespace TalkingBinaries.Workflow.Reporting;

/// <summary>Writes a run report as one self-contained HTML page: a timeline of the steps, their logs, variables and outputs.</summary>
/// <remarks>Everything from the run (names, logs, values) is HTML-escaped; the page's only script is its own and it fetches nothing.</remarks>
public static partial class HtmlTimeline
{
    /// <summary>The height of one lane of the chart, in CSS pixels.</summary>
    private const int LanePixels = 30;

    /// <summary>Writes <paramref name="report"/> to <paramref name="writer"/>; <paramref name="logs"/> by step name, null when none were recorded.</summary>
    public static void Write(TextWriter writer, RunReport report, IReadOnlyDictionary<string, StepLogs>? logs)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(report);
        var status = Status(report.Status);
        writer.WriteLine("<!DOCTYPE html>");
        writer.WriteLine("<html lang=\"en\">");
        writer.WriteLine("<head>");
        writer.WriteLine("<meta charset=\"utf-8\">");

        // The page is a file people pass around: it may load nothing, so it can neither leak nor break offline.
        writer.WriteLine("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'\">");
        writer.WriteLine("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
        writer.WriteLine($"<title>tb run {E(Path.GetFileName(Path.GetDirectoryName(report.DevFile) ?? report.DevFile))}: {status}</title>");
        writer.WriteLine($"<style>{Style}</style>");
        writer.WriteLine("</head>");
        writer.WriteLine("<body>");
        WriteHeader(writer, report, status);
        WriteChart(writer, report);
        WriteSteps(writer, report, logs);
        WriteValues(writer, "Variables", "variables", report.Variables, "No variables.");
        writer.WriteLine("<footer>Written by tb from run " + E(report.RunId) + ".</footer>");
        writer.WriteLine($"<script>{Script}</script>");
        writer.WriteLine("</body>");
        writer.WriteLine("</html>");
    }

    private static void WriteHeader(TextWriter writer, RunReport report, string status)
    {
        writer.WriteLine("<header>");
        writer.WriteLine($"<h1>Run <span class=\"badge s-{status}\" id=\"run-status\">{status}</span></h1>");
        writer.WriteLine("<dl class=\"facts\">");
        Fact(writer, "DevFile", report.DevFile);
        Fact(writer, "Run id", report.RunId);
        Fact(writer, "Started", Time(report.StartedAt));
        Fact(writer, "Duration", Ms(report.DurationMs));
        var counts = Enum.GetValues<StepStatus>()
            .Select(stepStatus => (Count: report.Steps.Count(step => step.Status == stepStatus), Name: Status(stepStatus)))
            .Where(count => count.Count > 0)
            .Select(count => $"{count.Count} {count.Name}");
        Fact(writer, "Steps", report.Steps.Count == 0 ? "none" : string.Join(", ", counts));
        if (report.FailedFirst is { } failed)
        {
            Fact(writer, "Failed first", failed);
        }

        writer.WriteLine("</dl>");
        writer.WriteLine("</header>");
    }

    private static void Fact(TextWriter writer, string name, string value) => writer.WriteLine($"<dt>{E(name)}</dt><dd>{E(value)}</dd>");

    private static void WriteChart(TextWriter writer, RunReport report)
    {
        var span = TimelineLayout.Span(report);
        var bars = TimelineLayout.Place(report);
        var lanes = bars.Count == 0 ? 1 : bars.Max(bar => bar.Lane) + 1;
        writer.WriteLine("<section>");
        writer.WriteLine("<h2>Timeline</h2>");
        writer.WriteLine("<p class=\"legend\">" + string.Join(" ", Enum.GetValues<StepStatus>().Select(s => $"<span class=\"key s-{Status(s)}\"></span>{Status(s)}")) + "</p>");
        writer.WriteLine($"<div class=\"chart\" id=\"chart\" data-lanes=\"{lanes}\" data-span-ms=\"{N(span)}\">");
        writer.WriteLine("<div class=\"axis\">");
        foreach (var tick in TimelineLayout.Ticks(span))
        {
            writer.WriteLine($"<div class=\"tick\" style=\"left:{Percent(tick, span)}%\"><span>{E(Ms(tick))}</span></div>");
        }

        writer.WriteLine("</div>");
        writer.WriteLine($"<div class=\"lanes\" style=\"height:{lanes * LanePixels}px\">");
        foreach (var bar in bars)
        {
            var name = Status(bar.Step.Status);
            var width = Math.Max(Percent(bar.DurationMs, span), TimelineLayout.MinimumShare * 100);
            var tip = $"{bar.Step.Name} ({bar.Step.Plugin}): {name}\nstarted +{Ms(bar.StartMs)} ({Time(bar.Step.StartedAt)})\nfinished +{Ms(bar.EndMs)} ({Time(bar.Step.FinishedAt)})\ntook {Ms(bar.DurationMs)}";
            writer.WriteLine(
                $"<div class=\"bar s-{name}\" id=\"bar-{bar.Index}\" data-step=\"{E(bar.Step.Name)}\" data-lane=\"{bar.Lane}\" data-start-ms=\"{N(bar.StartMs)}\" data-duration-ms=\"{N(bar.DurationMs)}\" data-details=\"step-{bar.Index}\""
                + $" data-tip=\"{E(tip)}\" aria-label=\"{E(tip)}\" style=\"left:{N(Percent(bar.StartMs, span))}%;width:{N(width)}%;top:{bar.Lane * LanePixels}px\">{Attempts(bar)}<span>{E(bar.Step.Name)}</span></div>");
        }

        writer.WriteLine("</div>");
        writer.WriteLine("</div>");
        var skipped = report.Steps.Select((step, index) => (step, index)).Where(entry => entry.step.StartedAt is null).ToList();
        if (skipped.Count > 0)
        {
            writer.WriteLine("<p class=\"skipped\">Not started: " + string.Join(" ", skipped.Select(entry =>
                $"<a class=\"chip s-{Status(entry.step.Status)}\" href=\"#step-{entry.index}\" title=\"{E(entry.step.Error ?? string.Empty)}\">{E(entry.step.Name)}</a>")) + "</p>");
        }

        writer.WriteLine("</section>");
    }

    private static void WriteSteps(TextWriter writer, RunReport report, IReadOnlyDictionary<string, StepLogs>? logs)
    {
        writer.WriteLine("<section>");
        writer.WriteLine("<h2>Steps</h2>");
        if (logs is null)
        {
            writer.WriteLine("<p class=\"muted\">This report has no log lines: <code>tb run --report-html FILE</code> records them.</p>");
        }

        for (var i = 0; i < report.Steps.Count; i++)
        {
            var step = report.Steps[i];
            var status = Status(step.Status);
            var times = step.StartedAt is null ? "not started"
                : $"+{Ms(Math.Max(0, (step.StartedAt.Value - report.StartedAt).TotalMilliseconds))}, took {Ms(step.StepTimeMs ?? 0)}";
            writer.WriteLine($"<details class=\"step\" id=\"step-{i}\"{(step.Status == StepStatus.Failed ? " open" : string.Empty)}>");
            writer.WriteLine($"<summary><span class=\"key s-{status}\"></span><b>{E(step.Name)}</b> <span class=\"muted\">{status} · plugin {E(step.Plugin)} · {E(times)}</span></summary>");
            if (step.Error is { } error)
            {
                writer.WriteLine($"<p class=\"error\">{E(error)}</p>");
            }

            if (step.Note is { } note)
            {
                writer.WriteLine($"<p class=\"muted\">{E(note)}</p>");
            }

            writer.WriteLine("<dl class=\"facts\">");
            Fact(writer, "Started", Time(step.StartedAt));
            Fact(writer, "Finished", Time(step.FinishedAt));
            Fact(writer, "Binary time", step.BinaryTimeMs is { } binary ? Ms(binary) : "-");
            Fact(writer, "Process", step switch
            {
                { Pid: { } pid, Signal: { } signal } => $"pid {pid}, killed by signal {signal}",
                { Pid: { } pid, ExitCode: { } code } => $"pid {pid}, exit code {code}",
                { Pid: { } pid } => $"pid {pid}",
                _ => "-",
            });
            writer.WriteLine("</dl>");
            WriteValues(writer, null, $"outputs-{i}", step.Outputs, null);
            if (logs is not null)
            {
                WriteLog(writer, logs.GetValueOrDefault(step.Name));
            }

            writer.WriteLine("</details>");
        }

        writer.WriteLine("</section>");
    }

    private static void WriteLog(TextWriter writer, StepLogs? log)
    {
        if (log is null || (log.Lines.Count == 0 && log.Omitted == 0))
        {
            writer.WriteLine("<p class=\"muted\">No log lines.</p>");
            return;
        }

        if (log.Omitted > 0)
        {
            writer.WriteLine($"<p class=\"muted omitted\">{log.Omitted.ToString(CultureInfo.InvariantCulture)} earlier lines left out; the last {log.Lines.Count.ToString(CultureInfo.InvariantCulture)} follow.</p>");
        }

        writer.Write("<pre class=\"log\">");
        foreach (var line in log.Lines)
        {
            writer.Write($"<span class=\"l-{E(line.Level)}\"><time>{line.Timestamp.UtcDateTime.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture)}</time> {E(line.Text)}</span>\n");
        }

        writer.WriteLine("</pre>");
    }

    private static void WriteValues(TextWriter writer, string? heading, string id, IReadOnlyDictionary<string, JsonElement> values, string? none)
    {
        if (values.Count == 0 && none is null)
        {
            return;
        }

        writer.WriteLine(heading is null ? string.Empty : $"<section><h2>{E(heading)}</h2>");
        if (values.Count == 0)
        {
            writer.WriteLine($"<p class=\"muted\">{E(none!)}</p>");
        }
        else
        {
            writer.WriteLine($"<table class=\"values\" id=\"{id}\"><thead><tr><th>{(heading is null ? "output" : "name")}</th><th>value</th></tr></thead><tbody>");
            foreach (var (name, value) in values.OrderBy(entry => entry.Key, StringComparer.Ordinal))
            {
                var text = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
                writer.WriteLine($"<tr><td>{E(name)}</td><td><code>{E(text)}</code></td></tr>");
            }

            writer.WriteLine("</tbody></table>");
        }

        writer.WriteLine(heading is null ? string.Empty : "</section>");
    }

    private static string E(string text) => WebUtility.HtmlEncode(Controls(text));

    // As on the terminal (docs/devfile.md, "What tb shows of plugin output"): a control character shows as an escape,
    // not as whatever a browser makes of it. Line breaks stay, for the bars' tooltips.
    private static string Controls(string text)
    {
        if (!text.Any(IsControl))
        {
            return text;
        }

        var builder = new System.Text.StringBuilder(text.Length + 16);
        foreach (var character in text)
        {
            if (IsControl(character))
            {
                builder.Append(character == '\u001b' ? "\\e" : $"\\x{(int)character:x2}");
            }
            else
            {
                builder.Append(character);
            }
        }

        return builder.ToString();
    }

    private static bool IsControl(char character) => char.IsControl(character) && character is not '\t' and not '\n';

    private static string N(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static double Percent(double part, double whole) => Math.Round(part / whole * 100, 3);

    private static string Time(DateTimeOffset? time) => time is { } value ? value.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.fff 'UTC'", CultureInfo.InvariantCulture) : "-";

    private static string Ms(double milliseconds) => milliseconds switch
    {
        < 1000 => N(Math.Round(milliseconds, 1)) + " ms",
        < 60_000 => (milliseconds / 1000).ToString("0.###", CultureInfo.InvariantCulture) + " s",
        _ => $"{Math.Floor(milliseconds / 60_000).ToString(CultureInfo.InvariantCulture)} min {(milliseconds % 60_000 / 1000).ToString("0.#", CultureInfo.InvariantCulture)} s",
    };

    private static string Status(StepStatus status) => status switch
    {
        StepStatus.Succeeded => "succeeded",
        StepStatus.Failed => "failed",
        StepStatus.Cancelled => "cancelled",
        StepStatus.UpToDate => "up-to-date",
        _ => "skipped",
    };

    private static string Status(RunStatus status) => status switch
    {
        RunStatus.Succeeded => "succeeded",
        RunStatus.Failed => "failed",
        RunStatus.Cancelled => "cancelled",
        _ => "timedOut",
    };
}
