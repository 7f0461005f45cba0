using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Serialization;
using TalkingBinaries.Plugin;

// A plugin written with the SDK, for testing the SDK itself; the step's config "mode" picks the behaviour.
return await Plugin.RunAsync(
    new PluginOptions
    {
        Name = "sdk-test",
        Version = "2.0.0",
        MaxConcurrency = 4,

        // Everything some mode below sets, so hosts can check references to them (docs/protocol.md, "declares").
        DeclaredVariables = ["plain", "hidden"],
        DeclaredOutputs = ["stdin", "pid", "started", "finished", "huge", "variable", "producerStatus", "producerOutputs", "seen", "text", "list", "config"],
    },
    SdkTestJson.Default.SdkTestConfig,
    async (step, cancellationToken) =>
    {
        switch (step.Config.Mode)
        {
            case "stray-console":
                Console.WriteLine("written with Console.WriteLine");
                using (var child = Process.Start(new ProcessStartInfo("/bin/echo", "written by a child to its stdout") { UseShellExecute = false })!)
                {
                    await child.WaitForExitAsync(cancellationToken);
                }

                step.SetOutput("stdin", await Console.In.ReadToEndAsync(cancellationToken));
                break;
            case "wait-for-cancel":
                step.LogInfo("waiting for cancellation");
                await Task.Delay(Timeout.Infinite, cancellationToken);
                break;
            case "stderr-lines":
                // Writes "count" lines to stderr, then answers at once: the host must still count them as this step's.
                for (var line = 1; line <= step.Config.Count; line++)
                {
                    Console.Error.WriteLine($"{step.StepName} line {line}");
                }

                break;
            case "block-until-cancel":
                // Blocks its thread, without ever awaiting, until cancelled: the SDK must still read step/cancel.
                step.LogInfo("waiting for cancellation");
                cancellationToken.WaitHandle.WaitOne();
                cancellationToken.ThrowIfCancellationRequested();
                break;
            case "sleep":
                var started = DateTimeOffset.UtcNow;
                await Task.Delay(step.Config.Count, cancellationToken);
                step.SetOutput("pid", Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
                step.SetOutput("started", started.ToString("O"));
                step.SetOutput("finished", DateTimeOffset.UtcNow.ToString("O"));
                break;
            case "ignore-cancel":
                // Ignores its token: only the SDK's bound on the wait after stdin closes ends the process.
                step.LogInfo("ignoring cancellation");
                await Task.Delay(Timeout.Infinite, CancellationToken.None);
                break;
            case "huge-output":
                // An output of "count" MiB: over 16, the answer is over the protocol's limit.
                step.SetOutput("huge", new string('h', step.Config.Count * 1024 * 1024));
                break;
            case "crash":
                Console.Error.WriteLine($"crashing in {Environment.ProcessId}");
                step.LogError("about to crash");
                Environment.Exit(3);
                break;
            case "read-var":
                var variable = await step.GetVariableAsync("wanted", cancellationToken);
                var other = await step.GetStepAsync("producer", cancellationToken);
                step.SetOutput("variable", variable ?? JsonDocument.Parse("null").RootElement);
                step.SetOutput("producerStatus", other.Status ?? "unknown");
                step.SetOutput("producerOutputs", JsonSerializer.SerializeToElement(other.Outputs.Keys.ToList(), SdkTestJson.Default.ListString));
                break;
            case "set-var":
                step.SetVariable("plain", "value");
                step.SetVariable("hidden", JsonDocument.Parse("{\"key\":\"shh\"}").RootElement, secret: true);
                step.AddSecret("runtime-secret");
                step.SetOutput("seen", JsonSerializer.SerializeToElement(step.Variables.Keys.ToList(), SdkTestJson.Default.ListString));
                break;
            case "fail":
                throw new StepFailedException("told to fail", "told") { ExitCode = 7 };
            case "throw":
                throw new InvalidOperationException("boom");
            case "outputs":
                step.SetOutput("text", "value");
                step.SetOutput("list", JsonDocument.Parse("[1,2,3]").RootElement);
                step.SetOutput("config", step.Config, SdkTestJson.Default.SdkTestConfig);
                step.ReportProgress("almost", 0.9);
                step.LogWarning("a warning");
                step.LogDebug("a debug line");
                step.LogError($"parallel={step.Parallel.Enabled} run={step.RunId} step={step.StepName} id={step.StepId}");
                break;
            default:
                step.LogInfo($"mode {step.Config.Mode}, count {step.Config.Count}");
                break;
        }
    });

internal sealed record SdkTestConfig
{
    [JsonPropertyName("mode")]
    public string Mode { get; set; } = "ok";

    [JsonPropertyName("count")]
    public int Count { get; set; } = 1;
}

[JsonSerializable(typeof(SdkTestConfig))]
[JsonSerializable(typeof(List<string>))]
internal sealed partial class SdkTestJson : JsonSerializerContext;
