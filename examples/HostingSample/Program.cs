using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.Messages;

// hosting-sample: an application that hosts its own plugins with TalkingBinaries.Hosting (docs/hosting.md).
// Usage: hosting-sample [ECHO_PLUGIN [SHELL_PLUGIN]]. Without ECHO_PLUGIN the locator looks for plugin-echo next to
// this executable, then tb-echo on PATH; without SHELL_PLUGIN the cancellation part is skipped.

// 1. Find the executables: an explicit path wins, else the locator's search order.
var locator = PluginLocator.ForCurrentProcess();
string echoPath;
string? shellPath;
try
{
    echoPath = locator.Locate(new PluginReference("echo", Name: null, Path: args.ElementAtOrDefault(0), Environment.CurrentDirectory));
    shellPath = args.Length > 1 ? locator.Locate(new PluginReference("shell", Name: null, Path: args[1], Environment.CurrentDirectory)) : null;
}
catch (PluginNotFoundException exception)
{
    Console.Error.WriteLine($"hosting-sample: {exception.Message}");
    return 2;
}

// 2. What this application offers its plugins: where their events go (here, the console) and answers to what
// they ask (here, vars/get from a dictionary; an SDK plugin asks with step.GetVariableAsync). Events arrive on the
// pool's reader threads, as the plugin writes them; questions are asked on the thread pool.
var services = new SampleServices(new Dictionary<string, string> { ["greeting"] = "hello", ["target"] = "world" });

// 3. What to start, and how to behave: the same options for every plugin of this application.
static PluginCommand Command(string name, string path) => new() { Name = name, ExecutablePath = path };
var options = HostingOptions.Default with { Host = new PeerInfo("hosting-sample", "1.0.0"), StopGrace = TimeSpan.FromSeconds(2) };
var runId = Guid.NewGuid().ToString("N");
StepRunParams Step(string name, string config) => new() { RunId = runId, StepId = name, Step = name, Config = JsonElement.Parse(config) };
StepRunParams Say(string name) => Step(name, $$"""{"say": "hello from {{name}}"}""");

await using var echo = new PluginPool(Command("echo", echoPath), options, services);
try
{
    // 4. Three steps at once, then two in a row. Echo is warm (maxConcurrency 64), so one process serves all five.
    string[] together = ["one", "two", "three"], inTurn = ["four", "five"];
    var concurrent = await Task.WhenAll(together.Select(name => echo.RunStepAsync(Say(name))));
    var outcomes = together.Zip(concurrent, (name, outcome) => (Name: name, Outcome: outcome)).ToList();
    foreach (var name in inTurn)
    {
        outcomes.Add((name, await echo.RunStepAsync(Say(name))));
    }

    foreach (var (name, outcome) in outcomes)
    {
        Console.WriteLine($"step {name}: {outcome.Result!.Status}, said \"{outcome.Result.Outputs["said"].GetString()}\" (pid {outcome.Pid})");
    }

    var pids = outcomes.Select(step => step.Outcome.Pid).Distinct().ToList();
    Console.WriteLine($"echo: {outcomes.Count} steps on {pids.Count} process(es), pid {string.Join(", ", pids)}; warm: {echo.Warm}");
    Console.WriteLine($"vars/get: answered {services.VariableRequests} request(s); echo asks none, a plugin calling step.GetVariableAsync(\"greeting\") gets \"hello\"");

    // 5. Cancel a step in flight: step/cancel first; the plugin answers "cancelled" (or, silent, is stopped).
    if (shellPath is null)
    {
        Console.WriteLine("cancel: skipped (no shell plugin given)");
    }
    else
    {
        await using var shell = new PluginPool(Command("shell", shellPath), options, services);
        await shell.WarmUpAsync();
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();
        try
        {
            var outcome = await shell.RunStepAsync(Step("sleep", """{"commands": ["sleep 30"]}"""), cancel.Token);
            Console.WriteLine($"step sleep: {outcome.Result?.Status ?? $"stopped ({outcome.Exit})"} after {clock.Elapsed.TotalSeconds:0.0} s (pid {outcome.Pid})");
        }
        catch (OperationCanceledException)
        {
            // Cancelled before any process took the step: nothing ran.
            Console.WriteLine("step sleep: cancelled before it started");
        }

        await shell.StopAsync();
    }
}
catch (PluginException exception)
{
    Console.Error.WriteLine($"hosting-sample: {exception.Message}");
    return 1;
}

// 6. Stop: shutdown, stdin closed, SIGTERM, then SIGKILL after the grace; returns once every process is gone.
var running = echo.Pids;
await echo.StopAsync();
Console.WriteLine($"stopped echo (pid {string.Join(", ", running)}); nothing left running");
return 0;

/// <summary>The host services of this application: console output, and variables from a dictionary.</summary>
internal sealed class SampleServices(Dictionary<string, string> variables) : HostServices
{
    private int _variableRequests;

    public int VariableRequests => _variableRequests;

    public override void OnEvent(PluginEvent pluginEvent)
    {
        if (pluginEvent is PluginLogEvent log)
        {
            Console.WriteLine($"[{log.StepId ?? log.Plugin}] {log.Text}");
        }
    }

    // Questions it does not override (steps/get) are answered "method not found".
    public override Task<JsonElement?> GetVariableAsync(string name, string? stepId, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _variableRequests);
        return Task.FromResult(variables.TryGetValue(name, out var text) ? JsonSerializer.SerializeToElement(text, ProtocolJsonContext.Default.String) : (JsonElement?)null);
    }
}
