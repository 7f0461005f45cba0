namespace TalkingBinaries.Cli;

/// <summary>Where tb writes, and whether it colours: only on a terminal, never with NO_COLOR or --no-color.</summary>
internal sealed class Terminal(TextWriter output, TextWriter error, bool colour)
{
    private static readonly string[] StepColours = ["36", "35", "34", "32", "33", "96", "95", "94"];
    private readonly Lock _lock = new();

    public bool Colour { get; } = colour;

    public static Terminal ForConsole(bool noColourFlag)
    {
        var colour = !noColourFlag
            && string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR"))
            && !Console.IsOutputRedirected
            && Environment.GetEnvironmentVariable("TERM") is not "dumb";
        var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = true };
        var error = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true };
        return new Terminal(output, error, colour);
    }

    /// <summary>Writes one whole line; lines from concurrent callers never mix.</summary>
    public void Line(string text)
    {
        lock (_lock)
        {
            output.Write(text + "\n");
        }
    }

    /// <summary>Writes one whole line to stderr.</summary>
    public void ErrorLine(string text)
    {
        lock (_lock)
        {
            error.Write(text + "\n");
        }
    }

    public string Step(string name, int index) => Paint($"[{name}]", StepColours[index % StepColours.Length]);

    public string Red(string text) => Paint(text, "31");

    public string Yellow(string text) => Paint(text, "33");

    public string Green(string text) => Paint(text, "32");

    public string Dim(string text) => Paint(text, "2");

    public string Bold(string text) => Paint(text, "1");

    private string Paint(string text, string code) => Colour ? $"\u001b[{code}m{text}\u001b[0m" : text;
}
