namespace TalkingBinaries.Hosting.Conformance;

/// <summary>How a conformance scenario ended.</summary>
public enum ConformanceOutcome
{
    /// <summary>The plugin did what docs/protocol.md requires.</summary>
    Passed,

    /// <summary>The plugin did not; the result's reason says what it did instead.</summary>
    Failed,

    /// <summary>The scenario does not apply to this plugin (or needs an option that was not given); the reason says which.</summary>
    Skipped,
}
