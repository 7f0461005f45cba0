using System.Text.Json;
using TalkingBinaries.TestPlugin.Messages;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>
/// One way for the test plugin to behave, or misbehave, chosen by name: the first argument or TB_TEST_MODE for the
/// whole process, else each step's config <c>mode</c>.
/// </summary>
/// <remarks>
/// Only a behaviour the process was started with sees <see cref="Start"/>, <see cref="Initialize"/> and
/// <see cref="Shutdown"/>: a step's config arrives after the handshake. A behaviour that is only about those has no
/// step of its own, so a step run in it fails as an unknown mode would.
/// </remarks>
internal abstract class Behaviour
{
    public abstract string Name { get; }

    /// <summary>Called once, before anything is read from stdin.</summary>
    public virtual void Start()
    {
    }

    /// <summary>Answers <c>initialize</c>: protocol 1, with cancellation, unless the behaviour breaks the handshake.</summary>
    public virtual Next Initialize(Wire wire, JsonElement? id)
    {
        wire.Answer(id, new InitializeResult(1, new PeerInfo("test", "1.0.0"), new PluginCapabilities(Cancel: true)));
        return Next.KeepServing;
    }

    /// <summary>Runs one step.</summary>
    public virtual Next RunStep(Wire wire, StepRequest step)
    {
        wire.WriteStderrLine($"unknown mode {Name}");
        return Next.Exit(64);
    }

    /// <summary>Handles <c>shutdown</c>: exits 0.</summary>
    public virtual Next Shutdown() => Next.Exit(0);
}
