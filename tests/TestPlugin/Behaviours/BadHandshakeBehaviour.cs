using System.Text.Json;
using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Answers <c>initialize</c> with protocol version 99, which no host offers.</summary>
internal sealed class BadHandshakeBehaviour : Behaviour
{
    public override string Name => "bad-handshake";

    public override Next Initialize(Wire wire, JsonElement? id)
    {
        wire.Answer(id, new InitializeResult(99, new PeerInfo("test", "0"), Capabilities: null));
        return Next.KeepServing;
    }
}
