using System.Runtime.InteropServices;

namespace TalkingBinaries.Cli;

/// <summary>The columns and rows of the terminal on standard output, read with ioctl(TIOCGWINSZ).</summary>
/// <remarks>Not through System.Console, whose first use sets the terminal's keypad mode (StandardStreams says why).</remarks>
internal static partial class TerminalSize
{
    private const int DefaultWidth = 80;
    private const int DefaultHeight = 24;

    // TIOCGWINSZ: Linux's value, and the BSDs' and macOS's.
    private static readonly nuint GetWindowSize = (nuint)(OperatingSystem.IsLinux() ? 0x5413 : 0x40087468);

    /// <summary>The width and height now; 80 by 24 when stdout is no terminal or says nothing.</summary>
    public static unsafe (int Width, int Height) Read(int descriptor = 1)
    {
        WindowSize size;
        return Control(descriptor, GetWindowSize, &size) == 0 && size.Columns > 0 && size.Rows > 0
            ? (size.Columns, size.Rows)
            : (DefaultWidth, DefaultHeight);
    }

    [LibraryImport("libc", EntryPoint = "ioctl")]
    private static unsafe partial int Control(int descriptor, nuint request, WindowSize* size);

    [StructLayout(LayoutKind.Sequential)]
    private struct WindowSize
    {
        public ushort Rows;
        public ushort Columns;
        public ushort PixelWidth;
        public ushort PixelHeight;
    }
}
