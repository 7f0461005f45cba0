namespace TalkingBinaries.Hosting.Processes;

/// <summary>Runs a blocking reader on a thread of its own.</summary>
/// <remarks>
/// Asynchronous reads of an anonymous pipe block a thread-pool thread for as long as the pipe is quiet. With a few
/// plugins running that starves the pool and delays everything else, so each pipe gets a dedicated thread instead
/// (docs/protocol.md, "Lifecycle"). A reader that must be given up on (a grandchild holds its pipe) is simply no
/// longer awaited; its thread ends when the pipe finally closes.
/// </remarks>
internal static class ReaderThread
{
    private const int StackBytes = 256 * 1024;

    /// <summary>Starts <paramref name="body"/>; the task completes when it returns, or is cancelled by <paramref name="abandon"/>.</summary>
    public static Task Start(string name, Action body, CancellationToken abandon)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(
            () =>
            {
                try
                {
                    body();
                    done.TrySetResult();
                }
#pragma warning disable CA1031 // Whatever ends the reader is handed to whoever awaits it.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    done.TrySetException(exception);
                }
            },
            StackBytes)
        {
            IsBackground = true,
            Name = name,
        };
        thread.Start();
        abandon.Register(() => done.TrySetCanceled(abandon));
        return done.Task;
    }
}
