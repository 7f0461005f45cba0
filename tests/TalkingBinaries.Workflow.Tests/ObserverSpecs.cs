using System.Collections.Concurrent;
using System.Text.Json;
using TalkingBinaries.Tests;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>What observers are told beyond lines and outcomes: variables as they are set, secrets as they become known, and to several at once.</summary>
public sealed class ObserverSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-observer-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task Every_combined_observer_hears_variables_as_set_and_secrets_before_the_lines_they_mask()
    {
        var first = new EventLog();
        var second = new EventLog();
        var report = await IsolatedRun.RunAsync(_directory, $"""
            plugins:
              - ref: test
                path: {TestExecutables.TestPlugin}
            steps:
              - name: plain
                plugin: test
                config: {"{"} mode: set-var, name: colour, value: blue {"}"}
              - name: hidden
                plugin: test
                config: {"{"} mode: set-var, name: key, value: s3cr3t-value, secret: true, register: another-secret {"}"}
            """, IsolatedRun.Options with { Secrets = new Dictionary<string, string> { ["token"] = "from-the-environment" } }, RunObserver.Combine(first, second));

        Assert.Equal(RunStatus.Succeeded, report.Status);
        foreach (var log in new[] { first, second })
        {
            var events = log.Events.ToList();
            Assert.Contains("var plain colour \"blue\"", events);
            Assert.Contains("var hidden key \"***\"", events);
            Assert.DoesNotContain(events, entry => entry.StartsWith("var", StringComparison.Ordinal) && entry.Contains("s3cr3t", StringComparison.Ordinal));

            // The environment's secret is known before the run starts; a plugin's before the line that shows it masked.
            Assert.True(events.IndexOf("secret from-the-environment") < events.IndexOf("run"), string.Join('\n', events));
            var registered = events.IndexOf("secret another-secret");
            var masked = events.FindIndex(entry => entry == "log hidden the registered secret is ***");
            Assert.True(registered >= 0 && masked > registered, string.Join('\n', events));
        }
    }

    private sealed class EventLog : RunObserver
    {
        public ConcurrentQueue<string> Events { get; } = new();

        public override void SecretRegistered(string secret) => Events.Enqueue($"secret {secret}");

        public override void RunStarting(DevFile devFile, IReadOnlyList<string> steps, string runId) => Events.Enqueue("run");

        public override void StepLog(StepDefinition step, TalkingBinaries.Hosting.PluginLogEvent line) => Events.Enqueue($"log {step.Name} {line.Text}");

        public override void VariableSet(StepDefinition? step, string name, JsonElement value) => Events.Enqueue($"var {step?.Name} {name} {value.GetRawText()}");
    }
}
