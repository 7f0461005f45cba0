namespace TalkingBinaries.Hosting.Discovery;

/// <summary>No usable executable was found for a plugin; <see cref="Exception.Message"/> lists every place tried.</summary>
public sealed class PluginNotFoundException : Exception
{
    /// <summary>Creates the exception for <paramref name="reference"/> with the places tried and why each failed.</summary>
    public PluginNotFoundException(PluginReference reference, IReadOnlyList<string> tried)
        : base(Describe(reference, tried))
    {
        Reference = reference;
        Tried = tried;
    }

    /// <summary>The plugin that was looked for.</summary>
    public PluginReference Reference { get; }

    /// <summary>Each place tried, with the reason it was not used.</summary>
    public IReadOnlyList<string> Tried { get; }

    private static string Describe(PluginReference reference, IReadOnlyList<string> tried)
    {
        ArgumentNullException.ThrowIfNull(reference);
        ArgumentNullException.ThrowIfNull(tried);
        return $"plugin '{reference.Ref}' not found; looked at: {string.Join("; ", tried)}. Fix its name or path, or put it on PATH.";
    }
}
