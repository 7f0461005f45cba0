using System.Text.Json;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Answers <c>initialize</c> with a line that is not JSON, so the host never gets an answer.</summary>
internal sealed class SilentHandshakeBehaviour : Behaviour
{
    public override string Name => "silent-handshake";

    public override Next Initialize(Wire wire, JsonElement? id)
    {
        wire.WriteRawStdoutLine("hello? is this thing on?");
        return Next.KeepServing;
    }
}
