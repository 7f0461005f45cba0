using System.Text;
using System.Text.Json;
using TalkingBinaries.TestPlugin;
using TalkingBinaries.TestPlugin.Behaviours;

// A deliberately misbehaving plugin for the tests. It speaks protocol v1 by hand (no SDK), so it can break it.
// What it does comes from a behaviour (Behaviours/) named by the first argument, else TB_TEST_MODE, else each step's
// config "mode" (default "ok").
var wire = new Wire(Console.OpenStandardOutput(), Console.OpenStandardError());
var stdin = new StreamReader(Console.OpenStandardInput(), Encoding.UTF8);
var fixedName = args.Length > 0 ? args[0] : Environment.GetEnvironmentVariable("TB_TEST_MODE");
var fixedBehaviour = fixedName is null ? null : BehaviourTable.Find(fixedName);
var processBehaviour = fixedBehaviour ?? BehaviourTable.Find(BehaviourTable.DefaultName);
fixedBehaviour?.Start();

while (stdin.ReadLine() is { } line)
{
    // A line that is not JSON ends the plugin with an unhandled exception: the host never sends one.
    using var document = JsonDocument.Parse(line);
    var root = document.RootElement;
    var method = root.TryGetProperty("method", out var name) ? name.GetString() : null;
    JsonElement? id = root.TryGetProperty("id", out var given) ? given : null;
    var next = method switch
    {
        "initialize" => processBehaviour.Initialize(wire, id),
        "step/run" => RunStep(StepRequest.Read(id, root.GetProperty("params"))),
        "shutdown" => processBehaviour.Shutdown(),
        _ => Next.KeepServing,
    };
    if (next.ExitCode is { } exitCode)
    {
        return exitCode;
    }
}

return 0;

Next RunStep(StepRequest step)
{
    var behaviour = fixedBehaviour ?? BehaviourTable.Find(step.ConfiguredMode ?? BehaviourTable.DefaultName);
    Rendezvous.Keep(step.Config);
    return behaviour.RunStep(wire, step);
}
