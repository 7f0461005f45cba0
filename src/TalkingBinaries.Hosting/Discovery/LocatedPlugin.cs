using TalkingBinaries.Hosting.Packages;

namespace TalkingBinaries.Hosting.Discovery;

/// <summary>Where a plugin's executable is, how it was found, and the package it came from, if any.</summary>
/// <param name="ExecutablePath">The full path to start.</param>
/// <param name="FoundBy">Which rule of docs/devfile.md, "Finding plugins", found it.</param>
/// <param name="Package">The installed package, for a plugin with a <c>source</c>.</param>
public sealed record LocatedPlugin(string ExecutablePath, PluginFoundBy FoundBy, InstalledPackage? Package = null);
