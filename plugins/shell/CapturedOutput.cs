using System.Globalization;
using System.Text;

namespace TalkingBinaries.Plugins.Shell;

/// <summary>The stdout a step keeps for its <c>stdout</c> output: the first <see cref="MaxKeptBytes"/>, the rest only counted.</summary>
/// <remarks>
/// Every line is still shown live as a log line; only what goes into the step's answer is capped, so the answer stays
/// far below the protocol's 16 MiB message limit however much a command prints (docs/devfile.md, "shell").
/// Thread-safe: the output of a command arrives on a thread of its own.
/// </remarks>
internal sealed class CapturedOutput
{
    /// <summary>How much stdout a step keeps (1 MiB of UTF-8).</summary>
    public const int MaxKeptBytes = 1024 * 1024;

    private readonly StringBuilder _kept = new();
    private long _keptBytes;
    private long _droppedBytes;
    private long _droppedLines;

    /// <summary>Keeps <paramref name="line"/> and its line end if there is room, else counts it.</summary>
    public void Append(string line)
    {
        var bytes = Encoding.UTF8.GetByteCount(line) + 1;
        lock (_kept)
        {
            if (_droppedLines == 0 && _keptBytes + bytes <= MaxKeptBytes)
            {
                _kept.Append(line).Append('\n');
                _keptBytes += bytes;
                return;
            }

            _droppedBytes += bytes;
            _droppedLines++;
        }
    }

    /// <summary>What was kept.</summary>
    public string Kept()
    {
        lock (_kept)
        {
            return _kept.ToString();
        }
    }

    /// <summary>A note saying what was left out of the output; null when nothing was.</summary>
    public string? Note()
    {
        lock (_kept)
        {
            return _droppedLines == 0
                ? null
                : string.Create(CultureInfo.InvariantCulture, $"output 'stdout' keeps the first {_keptBytes} bytes of the commands' stdout (the limit is {MaxKeptBytes}); the other {_droppedBytes} bytes ({_droppedLines} lines) were shown above but not kept");
        }
    }
}
