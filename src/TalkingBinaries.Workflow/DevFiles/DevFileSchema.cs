namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>The JSON Schema (draft 2020-12) of the DevFile, for editors: what <c>tb schema</c> prints.</summary>
/// <remarks>
/// Kept as DevFileSchema.json beside this file, embedded in the assembly; the specs check that its keys are the loader's
/// and that every DevFile in the repository and its docs validates against it (docs/devfile.md, "Editor support").
/// </remarks>
public static class DevFileSchema
{
    private const string ResourceName = "TalkingBinaries.Workflow.DevFiles.DevFileSchema.json";

    private static readonly Lazy<string> Schema = new(Read);

    /// <summary>The schema as JSON text, ending with a newline.</summary>
    public static string Text => Schema.Value;

    private static string Read()
    {
        using var stream = typeof(DevFileSchema).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"the resource {ResourceName} is missing from {typeof(DevFileSchema).Assembly.GetName().Name}; rebuild it");
        using var reader = new StreamReader(stream);
        var text = reader.ReadToEnd();
        return text.EndsWith('\n') ? text : text + "\n";
    }
}
