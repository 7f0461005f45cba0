using System.Text.Json;

namespace TalkingBinaries.Hosting;

/// <summary>What a seed-format plugin produced, its stdout already turned into events and outputs.</summary>
/// <param name="Pid">The plugin's process id.</param>
/// <param name="ExitStatus">How it ended; exit code 0 is success.</param>
/// <param name="Outputs"><c>userOutput</c> and <c>errors</c> as lists of strings, or <c>stdout</c> as text when it was not a seed response.</param>
/// <param name="BinaryTime">From spawn to exit.</param>
public sealed record SeedStepResult(int Pid, ExitStatus ExitStatus, IReadOnlyDictionary<string, JsonElement> Outputs, TimeSpan BinaryTime);
