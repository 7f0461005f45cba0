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

    /// <summary>Short waits, so a spec that hits one does not take long, and a second's grace to stop.</summary>
    /// <remarks>
    /// The handshake gets 10 s: a JIT-compiled plugin started while other test projects run took over 2 s on a loaded
    /// 2-core machine. A spec about the handshake's timeout itself sets a short one.
    /// </remarks>
    public static HostingOptions Options { get; } = HostingOptions.Default with
    {
        Host = new PeerInfo("tests", "1.0"),
        HandshakeTimeout = TimeSpan.FromSeconds(10),
        DrainTimeout = TimeSpan.FromMilliseconds(300),
        CancelTimeout = TimeSpan.FromMilliseconds(300),
        StopGrace = TimeSpan.FromSeconds(1),
    };

    public PluginProcess Start(string executable, params string[] arguments) => Start(executable, Options, arguments);

    public PluginProcess Start(string executable, HostingOptions options, params string[] arguments) => PluginProcess.Start(
        new PluginCommand
        {
            Environment = new Dictionary<string, string?> { [Marker.Split('=')[0]] = Marker.Split('=')[1] },
            ExecutablePath = executable,
            Name = Path.GetFileName(executable),
            Arguments = arguments,
        },
        options,
        HostServices.ForEvents(Events.Enqueue));

    public PluginProcess StartTestPlugin(string mode) => Start(TestExecutables.TestPlugin, mode);

    public static StepRunParams Step(string name, string configJson = "{}") => new()
    {
        RunId = "run-1",
        StepId = name,
        Step = name,
        Config = JsonDocument.Parse(configJson).RootElement.Clone(),
    };

}
