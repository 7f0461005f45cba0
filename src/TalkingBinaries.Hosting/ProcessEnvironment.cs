namespace TalkingBinaries.Hosting;

/// <summary>This process's environment variables, read once into a dictionary.</summary>
/// <remarks>
/// A host that serves other processes (the <c>tb</c> server) gives each run the environment of the process it serves
/// instead; everything that reads the environment for a run takes it as a dictionary so that it can.
/// </remarks>
public static class ProcessEnvironment
{
    /// <summary>A copy of this process's environment variables now.</summary>
    public static IReadOnlyDictionary<string, string> Current()
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        return environment;
    }

    /// <summary>The variable <paramref name="name"/> from <paramref name="environment"/>, or from this process's when it is null.</summary>
    public static string? Variable(IReadOnlyDictionary<string, string>? environment, string name) =>
        environment is null ? Environment.GetEnvironmentVariable(name) : environment.GetValueOrDefault(name);
}
