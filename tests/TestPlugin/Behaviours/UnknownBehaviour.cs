namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>A name the table does not have: a normal handshake, then any step says "unknown mode" and exits 64.</summary>
internal sealed class UnknownBehaviour(string name) : Behaviour
{
    public override string Name => name;
}
