using System.Text.Json;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Exits 4 on <c>initialize</c>, after a line on stderr.</summary>
internal sealed class ExitInHandshakeBehaviour : Behaviour
{
    public override string Name => "exit-in-handshake";

    public override Next Initialize(Wire wire, JsonElement? id)
    {
        wire.WriteStderrLine("giving up during the handshake");
        return Next.Exit(4);
    }
}
