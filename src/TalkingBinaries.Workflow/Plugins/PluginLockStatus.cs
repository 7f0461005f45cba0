namespace TalkingBinaries.Workflow.Plugins;

/// <summary>How a plugin stands against the hashes pinned for it.</summary>
public enum PluginLockStatus
{
    /// <summary>Nothing pins its hash: no lock file, and no <c>sha256:</c> key.</summary>
    NotPinned,

    /// <summary>There is a lock file, but it does not pin this plugin (or pins another source for it).</summary>
    NotLocked,

    /// <summary>It matches every hash pinned for it.</summary>
    Matches,

    /// <summary>It does not match a hash pinned for it: <c>tb run</c> refuses it.</summary>
    Mismatch,
}
