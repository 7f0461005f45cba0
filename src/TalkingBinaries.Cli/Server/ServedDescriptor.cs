namespace TalkingBinaries.Cli;

/// <summary>A descriptor a tb server client passed (its stdout or stderr), closed when its run ends.</summary>
/// <remarks>Writes and the close take <see cref="Gate"/>, so nothing is written to the number once it may be another's.</remarks>
internal sealed class ServedDescriptor(int number)
{
    public int Number { get; } = number;

    public Lock Gate { get; } = new();

    public bool Closed { get; private set; }

    /// <summary>Closes the descriptor, after any write under way.</summary>
    public void Close()
    {
        lock (Gate)
        {
            if (!Closed)
            {
                Closed = true;
                UnixSocket.Close(Number);
            }
        }
    }
}
