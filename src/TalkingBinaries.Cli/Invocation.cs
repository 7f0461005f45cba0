using System.Runtime.InteropServices;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>Whom a command works for: its environment, working directory and standard streams.</summary>
/// <remarks>
/// Normally this process's own. The tb server (docs/server.md) runs each client's <c>tb run</c> with the client's:
/// its environment and directory, and its stdout and stderr descriptors, passed over the socket, so nothing the run
/// does depends on the server's.
/// </remarks>
internal sealed partial class Invocation
{
    private readonly ServedDescriptor? _output;
    private readonly ServedDescriptor? _error;

    private Invocation(IReadOnlyDictionary<string, string>? environment, string workingDirectory, int output, int error)
    {
        Environment = environment;
        WorkingDirectory = workingDirectory;
        OutputDescriptor = output;
        ErrorDescriptor = error;
    }

    private Invocation(IReadOnlyDictionary<string, string> environment, string workingDirectory, ServedDescriptor output, ServedDescriptor error)
        : this(environment, workingDirectory, output.Number, error.Number)
    {
        _output = output;
        _error = error;
    }

    /// <summary>This process, with its own environment, directory and descriptors 1 and 2.</summary>
    public static Invocation ThisProcess { get; } = new(null, System.Environment.CurrentDirectory, 1, 2);

    /// <summary>Another process's, served here: its environment and directory, and descriptors of this process that are dups of its stdout and stderr.</summary>
    public static Invocation Served(IReadOnlyDictionary<string, string> environment, string workingDirectory, ServedDescriptor output, ServedDescriptor error, ForwardedSignals signals, WarmPlugins warmPlugins, DevFileCache devFiles) =>
        new(environment, workingDirectory, output, error) { Signals = signals, WarmPlugins = warmPlugins, DevFiles = devFiles };

    /// <summary>The environment; null for this process's (read when asked, so it costs nothing until then).</summary>
    public IReadOnlyDictionary<string, string>? Environment { get; }

    public string WorkingDirectory { get; }

    public int OutputDescriptor { get; }

    public int ErrorDescriptor { get; }

    public bool OutputIsTerminal => IsTerminal(OutputDescriptor) == 1;

    public bool ErrorIsTerminal => IsTerminal(ErrorDescriptor) == 1;

    public string? Variable(string name) => ProcessEnvironment.Variable(Environment, name);

    /// <summary>Signals forwarded from the process served; null when this process's own signals are meant.</summary>
    public ForwardedSignals? Signals { get; private init; }

    /// <summary>The buffer of a writer to stdout or stderr: 64 KB here; under 85 KB for a served run.</summary>
    /// <remarks>The tb server makes a terminal for every run: buffers under 85 KB stay off the large object heap, whose
    /// allocations made it collect the whole heap after most runs (perf of a server serving the root DevFile).</remarks>
    public int WriterBufferSize => _output is null ? 64 * 1024 : 16 * 1024;

    /// <summary>DevFiles the tb server parsed for earlier runs; null to parse each time.</summary>
    public DevFileCache? DevFiles { get; private init; }

    /// <summary>Warm plugins kept by the tb server for the runs it serves; null to stop a run's plugins when it ends.</summary>
    public WarmPlugins? WarmPlugins { get; private init; }

    /// <summary>A path from the command line as this process must use it: as given for itself, made absolute against the served process's directory.</summary>
    public string? Given(string? path) => path is null || ReferenceEquals(this, ThisProcess) ? path : Path.GetFullPath(path, WorkingDirectory);

    public Stream Output() => _output is null ? StandardStreams.Output() : StandardStreams.Of(_output);

    public Stream Error() => _error is null ? StandardStreams.Error() : StandardStreams.Of(_error);

    [LibraryImport("libc", EntryPoint = "isatty")]
    private static partial int IsTerminal(int descriptor);
}
