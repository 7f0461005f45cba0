using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Plugins;

/// <summary>A declared plugin and where it was found.</summary>
/// <param name="Definition">Its entry in the DevFile.</param>
/// <param name="Located">Its executable, how it was found, and its package if it has one.</param>
public sealed record ResolvedPlugin(PluginDefinition Definition, LocatedPlugin Located)
{
    /// <summary>The plugin's ref.</summary>
    public string Ref => Definition.Ref;

    /// <summary>Where the DevFile says the plugin comes from, as a lock file records it.</summary>
    public string DeclaredSource => Definition switch
    {
        { Source: { } source } => source.ToString(),
        { Path: { } path } => "path:" + path,
        { Name: { } name } => "name:" + name,
        _ => "ref:" + Definition.Ref,
    };

    /// <summary>How it was found, as a lock file and <c>tb plugins --json</c> write it.</summary>
    public string FoundBy => Located.FoundBy switch
    {
        PluginFoundBy.Package => "package",
        PluginFoundBy.Path => "path",
        PluginFoundBy.Name => "name",
        PluginFoundBy.SearchPath => "path-search",
        PluginFoundBy.Bundled => "bundled",
        _ => "path-convention",
    };

    /// <summary>The executable as a lock file records it: relative to its package, or to <paramref name="baseDirectory"/> when inside it.</summary>
    public string RecordedExecutable(string baseDirectory)
    {
        var root = Located.Package?.Directory ?? baseDirectory;
        var relative = Path.GetRelativePath(root, Located.ExecutablePath);

        // Outside is "..", or "../" first: a name that merely starts with two dots ("..tools/x") is inside.
        var outside = relative == ".." || relative.StartsWith(".." + Path.DirectorySeparatorChar, StringComparison.Ordinal) || Path.IsPathRooted(relative);
        return Located.Package is not null || !outside ? relative : Located.ExecutablePath;
    }

    /// <summary>The plugin's SHA-256: of its executable, or of its package's files for a plugin installed from a package.</summary>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public string Hash(PluginHashes hashes)
    {
        ArgumentNullException.ThrowIfNull(hashes);
        return Located.Package is { } package
            ? hashes.HashTree(package.ContentDirectory, package.IgnoredContent)
            : hashes.HashFile(Located.ExecutablePath);
    }
}
