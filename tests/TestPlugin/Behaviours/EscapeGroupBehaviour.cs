using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>
/// Declares itself warm; each step starts a child that calls setsid() (leaving the plugin's process group) and sleeps
/// 300 s holding stdout and stderr, says <c>escaped pid N</c> on stderr, and succeeds.
/// </summary>
internal sealed class EscapeGroupBehaviour : Behaviour
{
    public override string Name => "escape-group";

    public override Next Initialize(Wire wire, JsonElement? id)
    {
        wire.Answer(id, new InitializeResult(1, new PeerInfo("test", "1.0.0"), new PluginCapabilities(Cancel: true, Warm: true)));
        return Next.KeepServing;
    }

    public override Next RunStep(Wire wire, StepRequest step)
    {
        // setsid(1) execs the shell in a new session (it is not a group leader, so it does not fork): signalling the
        // plugin's group misses it, and it inherits stdout and stderr. The shell says its pid before the answer goes out.
        using var escaped = Process.Start(new ProcessStartInfo("/usr/bin/setsid", ["/bin/sh", "-c", "echo escaped pid $$ >&2; exec sleep 300"]) { UseShellExecute = false })!;
        Thread.Sleep(200);
        wire.Succeed(step, new ChildOutputs(escaped.Id), TestPluginJson.Default.ChildOutputs);
        return Next.KeepServing;
    }
}
