using System.Collections.Concurrent;
using System.IO.Pipes;
using System.Text;
using System.Text.Json;
using CsCheck;
using TalkingBinaries.Hosting.Wire;
using TalkingBinaries.Protocol.Framing;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Hosting.Tests;

/// <summary>Mutated plugin messages, read by the host's end of the wire: events or warnings, never an exception, and the next request is answered.</summary>
[Trait("Category", "Fuzz")]
public sealed class HostFuzzSpecs
{
    private static readonly string[] PluginMessages =
    [
        """{"jsonrpc":"2.0","method":"log","params":{"level":"error","message":"a\nb","stepId":"s"}}""",
        """{"jsonrpc":"2.0","method":"progress","params":{"stepId":"s","message":"half","fraction":0.5}}""",
        """{"jsonrpc":"2.0","method":"vars/set","params":{"name":"out","value":{"deep":[1,2]},"stepId":"s","secret":true}}""",
        """{"jsonrpc":"2.0","method":"secrets/add","params":{"value":"hush","stepId":"s"}}""",
        """{"jsonrpc":"2.0","id":1,"result":{"protocolVersion":1,"plugin":{"name":"p","version":"1"},"capabilities":{"warm":true,"maxConcurrency":4}}}""",
        """{"jsonrpc":"2.0","id":2,"result":{"status":"failed","outputs":{},"error":{"message":"m","code":"c","data":{"exitCode":3}}}}""",
        """{"jsonrpc":"2.0","id":"g","method":"steps/get","params":{"step":"build","stepId":"s"}}""",
        """{"jsonrpc":"2.0","id":null,"error":{"code":-32700,"message":"The line is not JSON."}}""",
        "plain text a plugin printed by mistake",
    ];

    [Fact]
    public void The_host_reads_mutated_plugin_messages_as_events_or_warnings_and_still_answers_the_plugin()
    {
        Fuzz.Mutations(PluginMessages).Array[1, 20].Sample(lines =>
        {
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
            var toPlugin = new AnonymousPipeServerStream(PipeDirection.In);
            var fromPlugin = new AnonymousPipeServerStream(PipeDirection.Out);
            var services = new Recording();
            var wire = new PluginWire(
                new AnonymousPipeClientStream(PipeDirection.Out, toPlugin.ClientSafePipeHandle),
                new AnonymousPipeClientStream(PipeDirection.In, fromPlugin.ClientSafePipeHandle),
                "fuzzed",
                1,
                services,
                resumeOnReaderThread: false);
            wire.Start();
            try
            {
                var input = string.Concat(lines.Select(line => line.Replace("\n", " ", StringComparison.Ordinal) + "\n"))
                    + """{"jsonrpc":"2.0","id":"probe","method":"vars/get","params":{"name":"who"}}""" + "\n";
                fromPlugin.Write(Encoding.UTF8.GetBytes(input));
                fromPlugin.Flush();
                var reader = new NewLineDelimitedReader(toPlugin);
                while (true)
                {
                    var line = reader.ReadLineAsync(deadline.Token).AsTask().GetAwaiter().GetResult();
                    Assert.True(line is not null, "the host stopped answering before the probe");
                    using var answer = JsonDocument.Parse(line.Value.Bytes);
                    if (answer.RootElement.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String && id.GetString() == "probe")
                    {
                        Assert.Equal("world", answer.RootElement.GetProperty("result").GetProperty("value").GetString());
                        break;
                    }
                }

                Assert.False(wire.Completion.IsCompleted);
                Assert.All(services.Events, pluginEvent => Assert.Equal("fuzzed", pluginEvent.Plugin));
            }
            finally
            {
                wire.DisposeAsync().AsTask().GetAwaiter().GetResult();
                toPlugin.Dispose();
                fromPlugin.Dispose();
            }
        }, iter: Fuzz.Iterations(200), threads: 2);
    }

    private sealed class Recording : HostServices
    {
        public ConcurrentQueue<PluginEvent> Events { get; } = new();

        public override void OnEvent(PluginEvent pluginEvent) => Events.Enqueue(pluginEvent);

        public override Task<JsonElement?> GetVariableAsync(string name, string? stepId, CancellationToken cancellationToken) =>
            Task.FromResult<JsonElement?>(JsonSerializer.SerializeToElement("world", Protocol.ProtocolJsonContext.Default.String));

        public override Task<StepsGetResult> GetStepAsync(string step, string? stepId, CancellationToken cancellationToken) =>
            Task.FromResult(new StepsGetResult());
    }
}
