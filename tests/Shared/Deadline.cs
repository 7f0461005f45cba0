namespace TalkingBinaries.Tests;

/// <summary>A deadline for a process test: a token that fires when the test has run too long.</summary>
internal static class Deadline
{
    public static CancellationToken After(int seconds = 30) => new CancellationTokenSource(TimeSpan.FromSeconds(seconds)).Token;
}
