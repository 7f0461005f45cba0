namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>DevFiles loaded before, by path and text: one read again unchanged is not parsed again (the tb server's runs).</summary>
/// <remarks>The file is read each time and its text compared, so a change is never missed, whatever its timestamps say. Thread-safe.</remarks>
public sealed class DevFileCache
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, (string Text, DevFile DevFile)> _loaded = new(StringComparer.Ordinal);

    /// <summary>The most DevFiles kept; past it, the cache starts again empty.</summary>
    public int Capacity { get; init; } = 64;

    /// <summary>Loads the DevFile at <paramref name="path"/> as <see cref="DevFileLoader.Load"/> does, parsing it only when its text changed.</summary>
    /// <exception cref="DevFileException">It cannot be read, is not valid YAML, or breaks a rule of docs/devfile.md.</exception>
    public DevFile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = Path.GetFullPath(path);
        var text = ConfigFiles.Read(fullPath, "DevFile");
        lock (_lock)
        {
            if (_loaded.TryGetValue(fullPath, out var loaded) && string.Equals(loaded.Text, text, StringComparison.Ordinal))
            {
                return loaded.DevFile;
            }
        }

        var devFile = DevFileLoader.Parse(text, fullPath);
        lock (_lock)
        {
            if (_loaded.Count >= Capacity)
            {
                _loaded.Clear();
            }

            _loaded[fullPath] = (text, devFile);
        }

        return devFile;
    }
}
