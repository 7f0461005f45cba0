using System.Text.Json;

namespace TalkingBinaries.Workflow.UpToDate;

/// <summary>The file in <c>.tb/</c> that keeps a DevFile's step records: <c>.tb/state/&lt;DevFile name&gt;.json</c>.</summary>
/// <remarks>
/// Written whole to a temporary file and renamed, so a run stopped while writing leaves the old file. On saving, the
/// file is read again and only the steps this run changed are replaced, so runs of different steps keep each other's
/// records. <c>.tb/</c> gets a <c>.gitignore</c> of <c>*</c>: it is never committed by accident.
/// </remarks>
public sealed class StateFile
{
    /// <summary>The format written; files of another version are ignored.</summary>
    public const int FormatVersion = 1;

    private StateFile(string path)
    {
        Path = path;
    }

    /// <summary>Where the file is, whether or not it exists.</summary>
    public string Path { get; }

    /// <summary>The state file of the DevFile at <paramref name="devFilePath"/>.</summary>
    public static StateFile For(string devFilePath)
    {
        var full = System.IO.Path.GetFullPath(devFilePath);
        return new StateFile(System.IO.Path.Combine(System.IO.Path.GetDirectoryName(full)!, ".tb", "state", System.IO.Path.GetFileName(full) + ".json"));
    }

    /// <summary>The records in the file; none when it is missing, of another version, or not readable (then <paramref name="problem"/> says why).</summary>
    public Dictionary<string, StepRecord> Read(out string? problem)
    {
        problem = null;
        try
        {
            using var stream = File.OpenRead(Path);
            var contents = JsonSerializer.Deserialize(stream, UpToDateJsonContext.Default.StateFileContents);
            if (contents is not { Version: FormatVersion, Steps: { } steps })
            {
                return new(StringComparer.Ordinal);
            }

            // A record with a part missing ("inputs": null) is no record: the step runs, and tb does not fail on it.
            return steps.Where(pair => pair.Value is { Inputs: not null, Needs: not null, Files: not null, Outputs: not null, SetVariables: not null })
                .ToDictionary(pair => pair.Key, pair => pair.Value, StringComparer.Ordinal);
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException)
        {
            return new(StringComparer.Ordinal);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException)
        {
            problem = $"cannot read {Path} ({exception.Message}); every step with inputs or outputs runs";
            return new(StringComparer.Ordinal);
        }
    }

    /// <summary>Writes <paramref name="changed"/> over the file's records (null removes one), keeping only steps in <paramref name="known"/>.</summary>
    /// <exception cref="IOException">The file cannot be written.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be written.</exception>
    public void Write(IReadOnlyDictionary<string, StepRecord?> changed, IReadOnlySet<string> known)
    {
        var steps = Read(out _);
        foreach (var (name, record) in changed)
        {
            if (record is null)
            {
                steps.Remove(name);
            }
            else
            {
                steps[name] = record;
            }
        }

        foreach (var name in steps.Keys.Where(name => !known.Contains(name)).ToList())
        {
            steps.Remove(name);
        }

        var directory = System.IO.Path.GetDirectoryName(Path)!;
        Directory.CreateDirectory(directory);
        var ignore = System.IO.Path.Combine(directory, "..", ".gitignore");
        if (!File.Exists(ignore))
        {
            File.WriteAllText(ignore, "# tb's state (docs/devfile.md, \"Up to date\"): never commit it.\n*\n");
        }

        var temporary = $"{Path}.{Environment.ProcessId}.tmp";
        using (var stream = File.Create(temporary))
        {
            JsonSerializer.Serialize(stream, new StateFileContents { Version = FormatVersion, Steps = steps }, UpToDateJsonContext.Default.StateFileContents);
        }

        File.Move(temporary, Path, overwrite: true);
    }
}
