using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Plugins;

/// <summary>A DevFile's lock file (<c>DevFile.lock</c>): each plugin's source, version, executable and SHA-256, written by <c>tb lock</c>.</summary>
/// <remarks>JSON, one field per line and plugins in the DevFile's order, so a change to it reads well in a diff.</remarks>
/// <param name="Path">The lock file.</param>
/// <param name="Plugins">One entry per plugin.</param>
public sealed record PluginLock(string Path, IReadOnlyList<PluginLockEntry> Plugins)
{
    /// <summary>The only format version written and read.</summary>
    public const int FormatVersion = 1;

    /// <summary>The lock file of the DevFile at <paramref name="devFilePath"/>: the same name with <c>.lock</c> added, beside it.</summary>
    public static string PathFor(string devFilePath) => System.IO.Path.GetFullPath(devFilePath) + ".lock";

    /// <summary>The entry for plugin <paramref name="reference"/>, or null when the lock does not pin it.</summary>
    public PluginLockEntry? Entry(string reference) => Plugins.FirstOrDefault(entry => entry.Ref == reference);

    /// <summary>Reads the lock file at <paramref name="path"/>; null when there is none.</summary>
    /// <exception cref="DevFileException">It cannot be read or is not a lock file (the error names its line and says to run <c>tb lock</c>).</exception>
    public static PluginLock? Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = System.IO.Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            return null;
        }

        var text = ConfigFiles.Read(fullPath, "lock file");
        return Parse(text, fullPath);
    }

    /// <summary>Parses lock file <paramref name="text"/>; <paramref name="path"/> names it in errors.</summary>
    public static PluginLock Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException exception)
        {
            var at = new SourceLocation(path, (int)(exception.LineNumber ?? 0) + 1, (int)(exception.BytePositionInLine ?? 0) + 1);
            throw Broken(at, "is not valid JSON");
        }

        using (document)
        {
            var root = document.RootElement;
            var start = new SourceLocation(path, 1, 1);
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("version", out var version) || version.ValueKind != JsonValueKind.Number
                || !root.TryGetProperty("plugins", out var plugins) || plugins.ValueKind != JsonValueKind.Array)
            {
                throw Broken(start, "needs 'version' and a 'plugins' list");
            }

            if (!version.TryGetInt32(out var number) || number != FormatVersion)
            {
                throw new DevFileException([new DevFileError(start, $"lock file version {version.GetRawText()} is not one this tb reads ({FormatVersion}); run 'tb lock' with this tb to write it again")]);
            }

            var entries = new List<PluginLockEntry>();
            foreach (var plugin in plugins.EnumerateArray())
            {
                string? Field(string name) =>
                    plugin.ValueKind == JsonValueKind.Object && plugin.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

                var (reference, source, foundBy, executable, sha256) = (Field("ref"), Field("source"), Field("found_by"), Field("executable"), Field("sha256"));
                if (reference is null || source is null || foundBy is null || executable is null || !PluginDigest.IsValid(sha256))
                {
                    throw Broken(start, $"has a plugin entry without 'ref', 'source', 'found_by', 'executable' and a 64-digit 'sha256' (entry {entries.Count + 1})");
                }

                entries.Add(new PluginLockEntry(reference, source, foundBy, Field("version"), executable, sha256!.ToLowerInvariant()));
            }

            return new PluginLock(path, entries);
        }
    }

    /// <summary>The lock file's text.</summary>
    public string Format()
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteString("comment", "Written by 'tb lock'; 'tb run' refuses a plugin whose files no longer match. Commit it.");
            writer.WriteNumber("version", FormatVersion);
            writer.WriteStartArray("plugins");
            foreach (var entry in Plugins)
            {
                writer.WriteStartObject();
                writer.WriteString("ref", entry.Ref);
                writer.WriteString("source", entry.Source);
                writer.WriteString("found_by", entry.FoundBy);
                if (entry.Version is not null)
                {
                    writer.WriteString("version", entry.Version);
                }

                writer.WriteString("executable", entry.Executable);
                writer.WriteString("sha256", entry.Sha256);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray()) + "\n";
    }

    /// <summary>Writes the lock file, replacing it whole (written aside, then renamed over it).</summary>
    public void Write()
    {
        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        File.WriteAllText(temporary, Format());
        File.Move(temporary, Path, overwrite: true);
    }

    private static DevFileException Broken(SourceLocation at, string problem) =>
        new([new DevFileError(at, $"this lock file {problem}; it is written by 'tb lock': run that again (and do not edit the file by hand)")]);
}
