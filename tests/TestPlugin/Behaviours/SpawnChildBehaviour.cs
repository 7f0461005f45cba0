using System.Diagnostics;
using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Starts a child that sleeps 300 s and succeeds, leaving it running.</summary>
internal sealed class SpawnChildBehaviour : Behaviour
{
    public override string Name => "spawn-child";

    public override Next RunStep(Wire wire, StepRequest step)
    {
        // The child inherits stdout and stderr, so it holds the host's pipes open after this process exits.
        using var child = Process.Start(new ProcessStartInfo("/bin/sleep", "300") { UseShellExecute = false })!;
        wire.WriteStderrLine($"child pid {child.Id}");
        wire.Succeed(step, new ChildOutputs(child.Id), TestPluginJson.Default.ChildOutputs);
        return Next.KeepServing;
    }
}
