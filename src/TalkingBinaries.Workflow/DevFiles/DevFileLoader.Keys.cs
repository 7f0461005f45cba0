namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>The keys the loader accepts, where each may appear: the lists its "unknown key" errors name.</summary>
public static partial class DevFileLoader
{
    // Read by the DevFile's JSON Schema specs, which fail when the schema and these lists drift apart (issue 13, item 5).
    internal static IReadOnlyList<string> KnownTopLevelKeys => TopLevelKeys;

    internal static IReadOnlyList<string> KnownPluginKeys => PluginKeys;

    internal static IReadOnlyList<string> KnownStepKeys => StepKeys;

    internal static IReadOnlyList<string> KnownSlurmKeys => SlurmKeys;

    internal static IReadOnlyList<string> KnownProtocols => Protocols;

    internal static IReadOnlyList<string> KnownExecutors => Executors;
}
