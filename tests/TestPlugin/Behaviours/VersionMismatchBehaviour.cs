using System.Text.Json;
using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Refuses <c>initialize</c> with error -32000: it speaks only protocol version 7.</summary>
internal sealed class VersionMismatchBehaviour : Behaviour
{
    public override string Name => "version-mismatch";

    public override Next Initialize(Wire wire, JsonElement? id)
    {
        wire.Refuse(id, new RpcError(-32000, "this plugin speaks protocol versions [7]"));
        return Next.KeepServing;
    }
}
