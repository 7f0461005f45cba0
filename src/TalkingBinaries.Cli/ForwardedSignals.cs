using System.Runtime.InteropServices;

namespace TalkingBinaries.Cli;

/// <summary>Signals a tb server client received (Ctrl-C, SIGTERM, SIGHUP), forwarded to the run it serves.</summary>
/// <remarks>A signal that comes before anyone listens is kept and handed to the first listener.</remarks>
internal sealed class ForwardedSignals
{
    private readonly Lock _lock = new();
    private readonly List<PosixSignal> _pending = [];
    private Action<PosixSignal>? _listener;

    /// <summary>Hands <paramref name="signal"/> to the listener, or keeps it until there is one.</summary>
    public void Raise(PosixSignal signal)
    {
        Action<PosixSignal>? listener;
        lock (_lock)
        {
            listener = _listener;
            if (listener is null)
            {
                _pending.Add(signal);
                return;
            }
        }

        listener(signal);
    }

    /// <summary>Sends every signal from now on, and those kept so far, to <paramref name="listener"/>; null stops listening.</summary>
    public void Listen(Action<PosixSignal>? listener)
    {
        List<PosixSignal> pending;
        lock (_lock)
        {
            _listener = listener;
            pending = listener is null ? [] : [.. _pending];
            _pending.Clear();
        }

        foreach (var signal in pending)
        {
            listener!(signal);
        }
    }
}
