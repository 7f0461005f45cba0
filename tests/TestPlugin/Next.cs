namespace TalkingBinaries.TestPlugin;

/// <summary>What the plugin does after handling a message: read the next one, or exit with a code.</summary>
internal readonly record struct Next(int? ExitCode)
{
    public static Next KeepServing => default;

    public static Next Exit(int code) => new(code);
}
