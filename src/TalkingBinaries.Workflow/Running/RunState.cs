namespace TalkingBinaries.Workflow.Running;

/// <summary>What stops a run, and why: an interruption, the run's timeout, or the first failure (fail-fast).</summary>
/// <remarks>Thread-safe: steps running in parallel report failures here; the first one wins.</remarks>
internal sealed class RunState : IDisposable
{
    private readonly CancellationToken _interrupt;
    private readonly CancellationTokenSource _stop;
    private readonly CancellationTokenSource? _clock;
    private readonly TimeSpan? _timeout;
    private string? _failedFirst;
    private bool _timedOut;

    public RunState(TimeSpan? timeout, CancellationToken interrupt)
    {
        _interrupt = interrupt;
        _timeout = timeout;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(interrupt);
        if (timeout is { } limit)
        {
            // The reason is set before the run is stopped: whatever reacts to the stop reads "timed out", not "stopped".
            _clock = new CancellationTokenSource(limit);
            _clock.Token.Register(() =>
            {
                _timedOut = !_interrupt.IsCancellationRequested && _failedFirst is null;
                _stop.Cancel();
            });
        }
    }

    /// <summary>Cancelled when the run must stop: every running step is stopped, every waiting one skipped.</summary>
    public CancellationToken Stop => _stop.Token;

    public bool Interrupted => _interrupt.IsCancellationRequested;

    public bool TimedOut => _timedOut;

    /// <summary>The step whose failure stopped the run.</summary>
    public string? FailedFirst => _failedFirst;

    /// <summary>Why the run is stopping, for the steps it stops or skips.</summary>
    public string Reason => Interrupted ? "the run was interrupted"
        : _timedOut ? $"the run timed out after {DevFiles.Durations.Format(_timeout!.Value)}"
        : _failedFirst is { } failed ? $"step '{failed}' failed"
        : "the run was stopped";

    /// <summary>Records a failure that stops the run; only the first counts as the cause.</summary>
    public void Fail(string step)
    {
        if (Interlocked.CompareExchange(ref _failedFirst, step, null) is null && !_stop.IsCancellationRequested)
        {
            _stop.Cancel();
        }
    }

    public void Dispose()
    {
        _clock?.Dispose();
        _stop.Dispose();
    }
}
