namespace TalkingBinaries.Hosting.Discovery;

/// <summary>How a workflow or an application names a plugin; see docs/devfile.md, "Finding plugins".</summary>
/// <param name="Ref">The name steps use, such as <c>echo</c>.</param>
/// <param name="Name">A path containing a slash (relative to <paramref name="BaseDirectory"/>) or a bare name looked up on PATH.</param>
/// <param name="Path">An explicit path, used as is (relative ones against <paramref name="BaseDirectory"/>).</param>
/// <param name="BaseDirectory">The directory relative names resolve against (a workflow's own directory, for instance).</param>
public sealed record PluginReference(string Ref, string? Name, string? Path, string BaseDirectory)
{
    /// <summary>The package the plugin comes from; when set, it is found in the package cache and nowhere else.</summary>
    public Packages.PackageSource? Source { get; init; }
}
