using System.Text.Json;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Answers <c>initialize</c>, says <c>deaf now</c> on stderr, and never reads stdin again: the host's writes fill the pipe and block.</summary>
internal sealed class DeafBehaviour : Behaviour
{
    public override string Name => "deaf";

    public override Next Initialize(Wire wire, JsonElement? id)
    {
        base.Initialize(wire, id);
        wire.WriteStderrLine("deaf now");

        // Only a signal ends this.
        Thread.Sleep(Timeout.Infinite);
        return Next.KeepServing;
    }
}
