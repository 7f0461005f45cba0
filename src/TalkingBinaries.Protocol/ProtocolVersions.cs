namespace TalkingBinaries.Protocol;

/// <summary>The protocol versions this library speaks, and how two lists of them meet.</summary>
public static class ProtocolVersions
{
    /// <summary>The newest version this library speaks.</summary>
    public const int Current = 1;

    /// <summary>Every version this library speaks, newest first.</summary>
    public static IReadOnlyList<int> Supported { get; } = [1];

    /// <summary>The newest version both sides speak, or null when they share none.</summary>
    public static int? Negotiate(IEnumerable<int> offered, IEnumerable<int> supported)
    {
        ArgumentNullException.ThrowIfNull(offered);
        var common = offered.Intersect(supported).ToList();
        return common.Count == 0 ? null : common.Max();
    }
}
