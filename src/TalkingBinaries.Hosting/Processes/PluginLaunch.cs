using TalkingBinaries.Protocol;

namespace TalkingBinaries.Hosting.Processes;

/// <summary>Starts a plugin's process: the host's environment plus the overrides and the cookie (docs/protocol.md, "Launch").</summary>
internal static class PluginLaunch
{
    public static ChildProcess Start(PluginStartInfo info)
    {
        try
        {
            return ChildProcess.Start(info.ExecutablePath, info.Arguments, BuildEnvironment(info.Environment), info.WorkingDirectory);
        }
        catch (IOException exception)
        {
            throw new PluginException($"plugin '{info.DisplayName}': {exception.Message}. Check that {info.ExecutablePath} is an executable for this machine.", exception);
        }
    }

    private static Dictionary<string, string> BuildEnvironment(IReadOnlyDictionary<string, string?> overrides)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            environment[(string)entry.Key] = (string?)entry.Value ?? string.Empty;
        }

        foreach (var (name, value) in overrides)
        {
            if (value is null)
            {
                environment.Remove(name);
            }
            else
            {
                environment[name] = value;
            }
        }

        environment[PluginCookie.Name] = PluginCookie.Value;
        return environment;
    }
}
