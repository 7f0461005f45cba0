using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Workflow.Reporting;

/// <summary>Writes a run's events to a stream as they happen, one JSON object a line (docs/devfile.md, "Events").</summary>
/// <remarks>
/// Each event is written with one call to the stream and flushed, so a reader tailing it sees it at once. The stream is
/// not closed: it belongs to the caller. A write that fails (a full disk, a closed pipe) is told once to
/// <c>writeFailed</c> and no more events are written; the run never sees the failure. Thread-safe.
/// </remarks>
public sealed class RunEventWriter : RunObserver
{
    /// <summary>The version of the events' schema, written as <c>v</c> in every event; it grows when a member changes meaning or goes away.</summary>
    public const int SchemaVersion = 1;

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    // Escapes only what JSON needs (quotes, backslash, control characters): the lines are read by programs, never put in HTML,
    // and the report's timestamps copied through a JsonElement would otherwise come out as \u002B00:00.
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private readonly Stream _stream;
    private readonly Action<IOException>? _writeFailed;
    private readonly Lock _lock = new();
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private string? _runId;
    private bool _failed;

    /// <summary>Writes events to <paramref name="stream"/>; <paramref name="writeFailed"/> hears of the first write that fails.</summary>
    public RunEventWriter(Stream stream, Action<IOException>? writeFailed = null)
    {
        _stream = stream ?? throw new ArgumentNullException(nameof(stream));
        _writeFailed = writeFailed;
    }

    /// <inheritdoc/>
    public override void RunStarting(DevFile devFile, IReadOnlyList<string> steps, string runId)
    {
        Write("runStarted", null, json =>
        {
            json.WriteString("devFile", devFile.Path);
            json.WriteStartArray("steps");
            foreach (var step in steps)
            {
                json.WriteStringValue(step);
            }

            json.WriteEndArray();
        }, runId);
    }

    /// <inheritdoc/>
    public override void StepStarting(StepDefinition step) =>
        Write("stepStarted", step.Name, json => json.WriteString("plugin", step.Plugin));

    /// <inheritdoc/>
    public override void StepLog(StepDefinition step, PluginLogEvent line) => WriteLog(step.Name, step.Plugin, line);

    /// <inheritdoc/>
    public override void PluginLog(string plugin, PluginLogEvent line) => WriteLog(null, plugin, line);

    /// <inheritdoc/>
    public override void StepProgress(StepDefinition step, PluginProgressEvent progress) =>
        Write("progress", step.Name, json =>
        {
            json.WriteString("plugin", step.Plugin);
            json.WriteNumber("pid", progress.Pid);
            json.WriteString("message", progress.Message);
            if (progress.Fraction is { } fraction)
            {
                json.WriteNumber("fraction", fraction);
            }
            else
            {
                json.WriteNull("fraction");
            }
        }, time: progress.Timestamp);

    /// <inheritdoc/>
    public override void VariableSet(StepDefinition? step, string name, JsonElement value) =>
        Write("variableSet", step?.Name, json =>
        {
            json.WriteString("name", name);
            json.WritePropertyName("value");
            value.WriteTo(json);
        }, stepMember: true);

    /// <inheritdoc/>
    public override void StepRetrying(StepDefinition step, StepAttempt attempt, TimeSpan delay)
    {
        // The attempt as the report's attempts[] entry has it (masked by the run), then what only this event knows.
        var entry = JsonSerializer.SerializeToElement(attempt, ReportJsonContext.Default.StepAttempt);
        Write("stepRetrying", step.Name, json =>
        {
            json.WriteString("plugin", step.Plugin);
            CopyMembers(json, entry, except: null);
            json.WriteNumber("delayMs", delay.TotalMilliseconds);
            if (step.Retry is { } retry)
            {
                json.WriteNumber("maxAttempts", retry.Attempts);
            }
            else
            {
                json.WriteNull("maxAttempts");
            }
        });
    }

    /// <inheritdoc/>
    public override void StepFinished(StepDefinition step, StepReport report)
    {
        // The outputs first, as their own event, so a reader that wants only them need not take the step's whole entry.
        if (report.Outputs.Count > 0)
        {
            Write("output", step.Name, json =>
            {
                json.WritePropertyName("outputs");
                json.WriteStartObject();
                foreach (var (name, value) in report.Outputs)
                {
                    json.WritePropertyName(name);
                    value.WriteTo(json);
                }

                json.WriteEndObject();
            });
        }

        // The report's own serialisation, so the event's members are the report's step entry's, now and after it grows.
        var entry = JsonSerializer.SerializeToElement(report, ReportJsonContext.Default.StepReport);
        Write("stepFinished", step.Name, json => CopyMembers(json, entry, except: null));
    }

    /// <inheritdoc/>
    public override void RunFinished(RunReport report)
    {
        var run = JsonSerializer.SerializeToElement(report, ReportJsonContext.Default.RunReport);
        Write("runFinished", null, json =>
        {
            // The steps were each told in their stepFinished event; the run id is in every event already.
            CopyMembers(json, run, except: ["runId", "steps"]);
            json.WriteStartObject("counts");
            foreach (var status in Enum.GetValues<StepStatus>())
            {
                json.WriteNumber(JsonNamingPolicy.CamelCase.ConvertName(status.ToString()), report.Steps.Count(step => step.Status == status));
            }

            json.WriteEndObject();
        }, report.RunId);
    }

    // The plugin's ref, as in stepStarted and the report, whatever name its process gave itself.
    private void WriteLog(string? step, string plugin, PluginLogEvent line) =>
        Write("log", step, json =>
        {
            json.WriteString("plugin", plugin);
            json.WriteNumber("pid", line.Pid);
            json.WriteString("source", line.Source switch
            {
                PluginLogSource.Stderr => "stderr",
                PluginLogSource.Protocol => "log",
                PluginLogSource.StrayStdout => "stdout",
                _ => "host",
            });
            json.WriteString("level", line.Level);
            json.WriteString("text", line.Text);
            json.WriteBoolean("endsLine", line.EndsLine);
        }, stepMember: true, time: line.Timestamp);

    private static void CopyMembers(Utf8JsonWriter json, JsonElement source, string[]? except)
    {
        foreach (var member in source.EnumerateObject())
        {
            if (except is null || !except.Contains(member.Name, StringComparer.Ordinal))
            {
                member.WriteTo(json);
            }
        }
    }

    // The envelope every event has, then body's members; stepMember writes step even when null (a log line or variable of no step).
    private void Write(string type, string? step, Action<Utf8JsonWriter> body, string? runId = null, bool stepMember = false, DateTimeOffset? time = null)
    {
        lock (_lock)
        {
            _runId = runId ?? _runId;
            if (_failed)
            {
                return;
            }

            _buffer.ResetWrittenCount();
            using (var json = new Utf8JsonWriter(_buffer, Options))
            {
                json.WriteStartObject();
                json.WriteNumber("v", SchemaVersion);
                json.WriteString("type", type);
                json.WriteString("time", (time ?? DateTimeOffset.UtcNow).ToUniversalTime());
                json.WriteString("runId", _runId);
                if (step is not null || stepMember)
                {
                    json.WriteString("step", step);
                }

                body(json);
                json.WriteEndObject();
            }

            _buffer.Write(NewLine);
            try
            {
                _stream.Write(_buffer.WrittenSpan);
                _stream.Flush();
            }
            catch (IOException exception)
            {
                _failed = true;
                _writeFailed?.Invoke(exception);
            }
        }
    }
}
