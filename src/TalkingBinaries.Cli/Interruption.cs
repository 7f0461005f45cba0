using System.Runtime.InteropServices;

namespace TalkingBinaries.Cli;

/// <summary>Turns Ctrl-C, SIGTERM and SIGHUP into cancellation: the first stops gracefully, the second skips the grace period.</summary>
/// <remarks>SIGHUP (the terminal closed, ssh dropped) is a stop like SIGTERM: plugins stopped, report written, exit 129.</remarks>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _force = new();
    private readonly List<PosixSignalRegistration> _registrations = [];
    private readonly Action<string> _say;
    private readonly ForwardedSignals? _forwarded;
    private int _count;

    /// <summary>Listens to this process's signals, or with <paramref name="forwarded"/> to those a tb server client forwards.</summary>
    public Interruption(Action<string> say, ForwardedSignals? forwarded = null)
    {
        _say = say;
        _forwarded = forwarded;
        if (forwarded is not null)
        {
            forwarded.Listen(Receive);
            return;
        }

        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle));
        _registrations.Add(PosixSignalRegistration.Create(PosixSignal.SIGHUP, Handle));
    }

    /// <summary>Cancelled by the first signal.</summary>
    public CancellationToken Stop => _stop.Token;

    /// <summary>Cancelled by the second signal.</summary>
    public CancellationToken Force => _force.Token;

    /// <summary>The first signal received, if any.</summary>
    public PosixSignal? Signal { get; private set; }

    public void Dispose()
    {
        _forwarded?.Listen(null);
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
        Receive(context.Signal);
    }

    private void Receive(PosixSignal signal)
    {
        if (Interlocked.Increment(ref _count) == 1)
        {
            Signal = signal;
            var what = signal switch
            {
                PosixSignal.SIGINT => "interrupted",
                PosixSignal.SIGHUP => "hung up",
                _ => "terminated",
            };
            _say($"{what}: stopping plugins gracefully (press Ctrl-C again to kill them now)");
            _stop.Cancel();
        }
        else
        {
            _say("killing plugins now");
            _force.Cancel();
        }
    }
}
