namespace TalkingBinaries.Workflow.Plugins;

/// <summary>What a lock file pins for one plugin.</summary>
/// <param name="Ref">The plugin's ref in the DevFile.</param>
/// <param name="Source">Where the DevFile says it comes from: a package source, <c>path:…</c>, <c>name:…</c>, or <c>ref:…</c> for neither.</param>
/// <param name="FoundBy">How it was found when locked (<c>package</c>, <c>path</c>, <c>name</c>, <c>path-search</c>, <c>bundled</c>, <c>path-convention</c>).</param>
/// <param name="Version">The package's version; null for a plugin that is not a package.</param>
/// <param name="Executable">The executable: relative to the package for a package, else relative to the DevFile's directory when inside it.</param>
/// <param name="Sha256">The plugin's hash: of the executable, or of the package's files for a package.</param>
public sealed record PluginLockEntry(string Ref, string Source, string FoundBy, string? Version, string Executable, string Sha256);
