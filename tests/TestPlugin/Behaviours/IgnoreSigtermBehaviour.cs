using System.Runtime.InteropServices;

namespace TalkingBinaries.TestPlugin.Behaviours;

/// <summary>Hangs like <see cref="HangBehaviour"/>; when the process was started with it, SIGTERM is ignored too, so only SIGKILL ends it.</summary>
internal sealed class IgnoreSigtermBehaviour : HangBehaviour
{
    // Held for the life of the process: a registration that is collected stops ignoring the signal.
    private PosixSignalRegistration? _sigterm;

    public override string Name => "ignore-sigterm";

    public override void Start() => _sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context => context.Cancel = true);
}
