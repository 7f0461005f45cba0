using System.Runtime.InteropServices;

namespace TalkingBinaries.Cli;

/// <summary>Turns Ctrl-C and SIGTERM into cancellation: the first stops gracefully, the second skips the grace period.</summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _force = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Action<string> _say;
    private int _count;

    public Interruption(Action<string> say)
    {
        _say = say;
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle));
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Stop => _stop.Token;

    /// <summary>Cancelled by the second signal.</summary>
    public CancellationToken Force => _force.Token;

    /// <summary>The first signal received, if any.</summary>
    public PosixSignal? Signal { get; private set; }

    public void Dispose()
    {
        foreach (var registration in _registrations)
        {
            registration.Dispose();
        }

        _stop.Dispose();
        _force.Dispose();
    }

    private void Handle(PosixSignalContext context)
    {
        // Keep the process alive: tb exits by itself once every plugin has stopped.
        context.Cancel = true;
        if (Interlocked.Increment(ref _count) == 1)
        {
            Signal = context.Signal;
            _say($"{(context.Signal == PosixSignal.SIGINT ? "interrupted" : "terminated")}: stopping plugins gracefully (press Ctrl-C again to kill them now)");
            _stop.Cancel();
        }
        else
        {
            _say("killing plugins now");
            _force.Cancel();
        }
    }
}
