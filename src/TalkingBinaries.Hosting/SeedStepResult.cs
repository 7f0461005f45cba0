using TalkingBinaries.Hosting.Processes;
using TalkingBinaries.Protocol.Seed;

namespace TalkingBinaries.Hosting;

/// <summary>What a seed-format plugin produced.</summary>
/// <param name="Pid">The plugin's process id.</param>
/// <param name="ExitStatus">How it ended.</param>
/// <param name="Output">The decoded response; null when stdout was not one (see <paramref name="Problem"/>).</param>
/// <param name="RawStdout">Everything it wrote to stdout, as text.</param>
/// <param name="Problem">Why stdout could not be decoded.</param>
/// <param name="BinaryTime">From spawn to exit.</param>
public sealed record SeedStepResult(int Pid, ExitStatus ExitStatus, SeedOutput? Output, string RawStdout, string? Problem, TimeSpan BinaryTime);
