using System.Text;
using System.Text.Json;
using TalkingBinaries.Tests;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Workflow.Tests;

public sealed class RunEventWriterSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-events-");
    private readonly MemoryStream _stream = new();

    public void Dispose()
    {
        _stream.Dispose();
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Every_event_is_a_line_of_json_in_the_order_things_happened_with_the_reports_data()
    {
        var report = await Run("""
            steps:
              - name: talk
                plugin: test
              - name: produce
                plugin: test
                config: { mode: set-var, name: versions, value: [1, 2] }
            """);

        var events = Events();
        Assert.All(events, item =>
        {
            Assert.Equal(1, item.GetProperty("v").GetInt32());
            Assert.Equal(report.RunId, item.GetProperty("runId").GetString());
            Assert.Equal(TimeSpan.Zero, item.GetProperty("time").GetDateTimeOffset().Offset);
        });
        Assert.Equal("runStarted", Type(events[0]));
        Assert.Equal(["talk", "produce"], events[0].GetProperty("steps").EnumerateArray().Select(step => step.GetString()));
        Assert.Equal("runFinished", Type(events[^1]));
        Assert.Equal("succeeded", events[^1].GetProperty("status").GetString());
        Assert.Equal(2, events[^1].GetProperty("counts").GetProperty("succeeded").GetInt32());
        Assert.Equal(0, events[^1].GetProperty("counts").GetProperty("failed").GetInt32());
        Assert.Equal(report.DurationMs, events[^1].GetProperty("durationMs").GetDouble());
        Assert.False(events[^1].TryGetProperty("steps", out _));

        var talk = OfStep(events, "talk");
        // stderr and stdout are separate pipes: the stderr line may come before or after the log line and the progress.
        Assert.Equal(["stepStarted", "output", "stepFinished"], [Type(talk[0]), Type(talk[^2]), Type(talk[^1])]);
        Assert.Equal(["log", "log", "progress"], talk[1..^2].Select(Type).Order(StringComparer.Ordinal));
        Assert.Contains(talk, item => Type(item) == "log" && item.GetProperty("source").GetString() == "stderr" && item.GetProperty("text").GetString()!.StartsWith("stderr line from pid", StringComparison.Ordinal));
        Assert.Contains(talk, item => Type(item) == "log" && item.GetProperty("source").GetString() == "log" && item.GetProperty("text").GetString() == "log line from the protocol");
        var progress = talk.Single(item => Type(item) == "progress");
        Assert.Equal(("half way", 0.5), (progress.GetProperty("message").GetString(), progress.GetProperty("fraction").GetDouble()));

        // The step-finished event carries the report's step entry, member for member.
        var entry = JsonSerializer.SerializeToElement(IsolatedRun.Step(report, "talk"), ReportJsonContext.Default.StepReport);
        var finished = talk[^1];
        foreach (var member in entry.EnumerateObject())
        {
            Assert.True(JsonElement.DeepEquals(member.Value, finished.GetProperty(member.Name)), member.Name);
        }

        Assert.True(JsonElement.DeepEquals(entry.GetProperty("outputs"), talk.Single(item => Type(item) == "output").GetProperty("outputs")));

        var produce = OfStep(events, "produce");
        var variable = produce.Single(item => Type(item) == "variableSet");
        Assert.Equal(("versions", "[1,2]"), (variable.GetProperty("name").GetString(), variable.GetProperty("value").GetRawText()));
        Assert.True(produce.IndexOf(variable) < produce.FindIndex(item => Type(item) == "stepFinished"));
    }

    [Fact]
    public async Task Secrets_are_masked_in_every_event()
    {
        await Run("""
            steps:
              - name: register
                plugin: test
                config: { mode: set-var, name: key, value: "k-123456", secret: true, register: "runtime-secret-42" }
              - name: echo_back
                plugin: test
                config: { mode: set-var, name: echoed, value: "${{ vars.key }} and runtime-secret-42" }
            """);

        var text = Encoding.UTF8.GetString(_stream.ToArray());
        Assert.DoesNotContain("k-123456", text, StringComparison.Ordinal);
        Assert.DoesNotContain("runtime-secret-42", text, StringComparison.Ordinal);
        var events = Events();
        Assert.Contains(events, item => Type(item) == "log" && item.GetProperty("text").GetString() == "the registered secret is ***");
        Assert.Contains(events, item => Type(item) == "variableSet" && item.GetProperty("value").GetString() == "***");
        Assert.Equal("*** and ***", events[^1].GetProperty("variables").GetProperty("echoed").GetString());
    }

    [Fact]
    public async Task Each_retried_attempt_is_a_stepRetrying_event_between_the_steps_start_and_finish_with_its_error_masked()
    {
        var counter = Path.Combine(_directory.FullName, "attempts");
        var report = await Run($$"""
            steps:
              - name: register
                plugin: test
                config: { mode: set-var, name: unrelated, value: 1, register: "not_yet" }
              - name: flaky
                plugin: test
                retry: { max: 3, delay: 20ms, backoff: 2 }
                config: { mode: fail-until, file: {{counter}}, succeed-on: 3 }
            """);

        var flaky = OfStep(Events(), "flaky").Where(item => Type(item) != "log").ToList();
        Assert.Equal(["stepStarted", "stepRetrying", "stepRetrying", "output", "stepFinished"], flaky.Select(Type));
        var attempts = IsolatedRun.Step(report, "flaky").Attempts!;
        foreach (var (retrying, index) in flaky[1..3].Select((item, index) => (item, index)))
        {
            var entry = JsonSerializer.SerializeToElement(attempts[index], ReportJsonContext.Default.StepAttempt);
            foreach (var member in entry.EnumerateObject())
            {
                Assert.True(JsonElement.DeepEquals(member.Value, retrying.GetProperty(member.Name)), member.Name);
            }

            Assert.Equal(index + 1, retrying.GetProperty("attempt").GetInt32());
            Assert.Equal("failed", retrying.GetProperty("status").GetString());
            Assert.Equal("test", retrying.GetProperty("plugin").GetString());
            Assert.Equal(4, retrying.GetProperty("maxAttempts").GetInt32());
            Assert.Equal(20 * Math.Pow(2, index), retrying.GetProperty("delayMs").GetDouble());
            Assert.StartsWith($"attempt {index + 1} failed [***]", retrying.GetProperty("error").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_stream_that_fails_is_told_once_and_the_run_goes_on()
    {
        var failures = new List<IOException>();
        var writer = new RunEventWriter(new FullDisk(), failures.Add);

        var report = await IsolatedRun.RunAsync(_directory, WithPlugins("""
            steps:
              - name: talk
                plugin: test
              - name: again
                plugin: test
            """), IsolatedRun.Options, writer);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Single(failures);
    }

    private async Task<RunReport> Run(string devFile)
    {
        var report = await IsolatedRun.RunAsync(_directory, WithPlugins(devFile), IsolatedRun.Options, new RunEventWriter(_stream));
        Assert.Equal(RunStatus.Succeeded, report.Status);
        return report;
    }

    private static string WithPlugins(string devFile) => $"""
        plugins:
          - ref: test
            path: {TestExecutables.TestPlugin}
        {devFile}
        """;

    private List<JsonElement> Events()
    {
        var text = Encoding.UTF8.GetString(_stream.ToArray());
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
        return text.TrimEnd('\n').Split('\n').Select(line => JsonDocument.Parse(line).RootElement).ToList();
    }

    private static List<JsonElement> OfStep(List<JsonElement> events, string step) =>
        events.Where(item => item.TryGetProperty("step", out var name) && name.GetString() == step).ToList();

    private static string Type(JsonElement item) => item.GetProperty("type").GetString()!;

    /// <summary>A stream on a full disk: every write fails.</summary>
    private sealed class FullDisk : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override void Write(byte[] buffer, int offset, int count) => throw new IOException("No space left on device");

        public override void Write(ReadOnlySpan<byte> buffer) => throw new IOException("No space left on device");

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
