using Microsoft.Win32.SafeHandles;

namespace TalkingBinaries.Cli;

/// <summary>tb's stdout and stderr as plain file streams, never through System.Console's.</summary>
/// <remarks>
/// On Unix, the first write through a Console stream initialises the terminal from terminfo, which switches it to
/// keypad mode (ESC[?1h ESC=) and nothing switches it back when tb exits (issue 10). A file stream over the same
/// descriptor writes the same bytes and leaves the terminal's modes alone.
/// </remarks>
internal static class StandardStreams
{
    public static Stream Output() => Open(1);

    public static Stream Error() => Open(2);

    private static FileStream Open(int descriptor) =>
        new(new SafeFileHandle(descriptor, ownsHandle: false), FileAccess.Write, bufferSize: 0);
}
