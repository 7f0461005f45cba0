using System.Reflection;

namespace TalkingBinaries.Tests;

/// <summary>Paths of the executables a test project builds (tests/Directory.Build.targets records them).</summary>
internal static class TestExecutables
{
    public static string TestPlugin => Get("tb-test-plugin");

    public static string Echo => Get("plugin-echo");

    public static string Shell => Get("plugin-shell");

    public static string Tb => Get("tb");

    public static string RepositoryRoot => Metadata("repository-root");

    public static string Get(string name)
    {
        var path = Metadata("executable:" + name);
        return File.Exists(path) ? path : throw new InvalidOperationException($"{path} was not built; build the test project again");
    }

    private static string Metadata(string key) =>
        typeof(TestExecutables).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(attribute => attribute.Key == key)?.Value
        ?? throw new InvalidOperationException($"no assembly metadata '{key}': add the project as a TestExecutable in the test project");
}
