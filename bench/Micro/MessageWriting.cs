using System.Text.Json;
using BenchmarkDotNet.Attributes;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Bench.Micro;

/// <summary>Writing a step/run request as the host does (asynchronously), and as the plugin SDK does (synchronously).</summary>
[MemoryDiagnoser]
#pragma warning disable CA1001 // BenchmarkDotNet owns the lifetime: the writers are made in [GlobalSetup] and disposed in [GlobalCleanup].
public class MessageWriting
#pragma warning restore CA1001
{
    private readonly StepRunParams _request = new()
    {
        RunId = "3f2a9c1b7d4e",
        StepId = "s1",
        Step = "s1",
        Config = JsonDocument.Parse("""{"say":"step 1"}""").RootElement.Clone(),
    };

    private JsonRpcWriter _host = null!;
    private JsonRpcWriter _plugin = null!;
    private long _id;

    [GlobalSetup]
    public void Setup()
    {
        _host = new JsonRpcWriter(Stream.Null);
        _plugin = new JsonRpcWriter(Stream.Null, writeSynchronously: true);
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _host.DisposeAsync();
        await _plugin.DisposeAsync();
    }

    [Benchmark]
    public Task HostRequest() => _host.WriteRequestAsync(++_id, ProtocolMethods.StepRun, _request, ProtocolJsonContext.Default.StepRunParams);

    [Benchmark]
    public Task SynchronousRequest() => _plugin.WriteRequestAsync(++_id, ProtocolMethods.StepRun, _request, ProtocolJsonContext.Default.StepRunParams);
}
