using System.Text;

namespace TalkingBinaries.Cli;

/// <summary>A step's lines, held until it ends: in memory up to a cap, then in a temporary file, so no line is lost.</summary>
/// <remarks>
/// A step that floods (millions of lines) must not hold them all in memory (issue 13, item 1b): past
/// <see cref="MemoryCap"/> characters every further line goes to a file, in order, and the file, unlinked as soon as it is
/// created, is gone when the holder is disposed. Not thread-safe: its owner locks around it.
/// </remarks>
internal sealed class HeldLines(int memoryCap = HeldLines.DefaultMemoryCap) : IDisposable
{
    /// <summary>About 4 MiB of UTF-16 text per step.</summary>
    public const int DefaultMemoryCap = 2 * 1024 * 1024;

    private readonly List<string> _memory = [];
    private long _memoryChars;
    private FileStream? _spill;
    private BinaryWriter? _writer;
    private string? _spillProblem;

    public int MemoryCap { get; } = memoryCap;

    /// <summary>How many lines are held in the file.</summary>
    public long Spilled { get; private set; }

    /// <summary>Lines that could be neither held nor spilled (the temporary file could not be written): said at the end.</summary>
    public long Lost { get; private set; }

    public void Add(string line)
    {
        if (_writer is null && _spillProblem is null && _memoryChars + line.Length <= MemoryCap)
        {
            _memory.Add(line);
            _memoryChars += line.Length;
            return;
        }

        try
        {
            _writer ??= OpenSpill();

            // Length-prefixed, so a line is read back whole whatever it holds.
            _writer.Write(line);
            Spilled++;
        }
        catch (IOException exception)
        {
            _spillProblem ??= exception.Message;
            Lost++;
        }
        catch (UnauthorizedAccessException exception)
        {
            _spillProblem ??= exception.Message;
            Lost++;
        }
    }

    /// <summary>Every line held, in the order added, then a note of any lost; reads the file back lazily and deletes it at the end.</summary>
    public IEnumerable<string> Drain()
    {
        foreach (var line in _memory)
        {
            yield return line;
        }

        _memory.Clear();
        _memoryChars = 0;
        if (_writer is not null && _spill is not null)
        {
            _writer.Flush();
            _spill.Position = 0;
            using var reader = new BinaryReader(_spill, Encoding.UTF8, leaveOpen: true);
            for (var i = 0L; i < Spilled; i++)
            {
                yield return reader.ReadString();
            }
        }

        if (Lost > 0)
        {
            yield return $"tb: {Lost} more lines could not be held until the step ended (temporary file: {_spillProblem}) and are not shown";
        }

        Dispose();
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _spill?.Dispose();
        _writer = null;
        _spill = null;
    }

    private BinaryWriter OpenSpill()
    {
        var path = Path.Combine(Path.GetTempPath(), $"tb-step-{Environment.ProcessId}-{Guid.NewGuid():N}.lines");
        _spill = new FileStream(path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, bufferSize: 64 * 1024);

        // Unlinked at once (tb runs on Linux): the open descriptor keeps it readable, and nothing is left behind even if tb is killed.
        File.Delete(path);
        return new BinaryWriter(_spill, Encoding.UTF8, leaveOpen: true);
    }
}
