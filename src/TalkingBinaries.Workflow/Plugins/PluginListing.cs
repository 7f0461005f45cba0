using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Plugins;

/// <summary>One declared plugin as <c>tb plugins</c> shows it.</summary>
/// <param name="Definition">Its entry in the DevFile.</param>
/// <param name="DeclaredSource">Where the DevFile says it comes from (<see cref="ResolvedPlugin.DeclaredSource"/>).</param>
public sealed record PluginListing(PluginDefinition Definition, string DeclaredSource)
{
    /// <summary>Where it was found; null when it was not.</summary>
    public LocatedPlugin? Located { get; init; }

    /// <summary>How it was found (<see cref="ResolvedPlugin.FoundBy"/>); null when it was not.</summary>
    public string? FoundBy { get; init; }

    /// <summary>Why it cannot be used (not found, not installed, unreadable); null when it can.</summary>
    public string? Problem { get; init; }

    /// <summary>Its SHA-256 now; null when it was not found.</summary>
    public string? Sha256 { get; init; }

    /// <summary>The hash its lock file entry pins, if any.</summary>
    public string? LockedSha256 { get; init; }

    /// <summary>How it stands against the hashes pinned for it.</summary>
    public PluginLockStatus LockStatus { get; init; }

    /// <summary>What its handshake said, when probed.</summary>
    public InitializeResult? Handshake { get; init; }

    /// <summary>Why probing it failed, or that it speaks the seed format and has no handshake; null when not probed or when it answered.</summary>
    public string? ProbeProblem { get; init; }
}
