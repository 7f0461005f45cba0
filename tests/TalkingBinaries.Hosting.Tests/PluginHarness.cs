using System.Collections.Concurrent;
using System.Text.Json;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Hosting.Tests;

/// <summary>Starts a real plugin process and records everything it says.</summary>
internal sealed class PluginHarness
{
    public ConcurrentQueue<PluginEvent> Events { get; } = new();

    public IEnumerable<PluginLogEvent> Lines => Events.OfType<PluginLogEvent>();

    public IEnumerable<string> StderrLines => Lines.Where(line => line.Source == PluginLogSource.Stderr).Select(line => line.Text);

    /// <summary>Set in every plugin's environment, so processes it leaves behind can be found.</summary>
    public string Marker { get; } = "TB_TEST_HARNESS=" + Guid.NewGuid().ToString("N");

    public PluginProcess Start(string executable, params string[] arguments) => Start(executable, resumeOnReaderThread: false, arguments);

    public PluginProcess Start(string executable, bool resumeOnReaderThread, params string[] arguments) => PluginProcess.Start(new PluginStartInfo
    {
        ResumeOnReaderThread = resumeOnReaderThread,
        Environment = new Dictionary<string, string?> { [Marker.Split('=')[0]] = Marker.Split('=')[1] },
        ExecutablePath = executable,
        DisplayName = Path.GetFileName(executable),
        Arguments = arguments,
        OnEvent = Events.Enqueue,
        HandshakeTimeout = TimeSpan.FromSeconds(2),
        DrainTimeout = TimeSpan.FromMilliseconds(300),
        CancelTimeout = TimeSpan.FromMilliseconds(300),
    });

    public PluginProcess StartTestPlugin(string mode) => Start(TestExecutables.TestPlugin, mode);

    public static StepRunParams Step(string name, string configJson = "{}") => new()
    {
        RunId = "run-1",
        StepId = name,
        Step = name,
        Config = JsonDocument.Parse(configJson).RootElement.Clone(),
    };

    public static PeerInfo Host { get; } = new("tests", "1.0");
}
