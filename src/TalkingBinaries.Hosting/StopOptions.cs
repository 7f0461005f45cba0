namespace TalkingBinaries.Hosting;

/// <summary>How patiently to stop a plugin (docs/protocol.md, "Stopping a plugin").</summary>
/// <param name="Grace">Total time for a graceful stop: half after shutdown and closing stdin, half after SIGTERM; then SIGKILL to the whole process group.</param>
public sealed record StopOptions(TimeSpan Grace)
{
    /// <summary>Five seconds of grace.</summary>
    public static StopOptions Default { get; } = new(TimeSpan.FromSeconds(5));
}
