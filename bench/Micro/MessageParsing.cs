using BenchmarkDotNet.Attributes;
using TalkingBinaries.Protocol;
using TalkingBinaries.Protocol.JsonRpc;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Bench.Micro;

/// <summary>What the host does with each line a warm echo step sends back: a log notification, then the answer.</summary>
[MemoryDiagnoser]
public class MessageParsing
{
    private readonly byte[] _log = """{"jsonrpc":"2.0","method":"log","params":{"stepId":"s1","level":"info","message":"step 1"}}"""u8.ToArray();
    private readonly byte[] _answer = """{"jsonrpc":"2.0","id":2,"result":{"status":"succeeded","outputs":{"said":"step 1"}}}"""u8.ToArray();

    [Benchmark]
    public LogParams? LogNotification() =>
        JsonRpcMessage.TryParse(_log, out var message, out _) ? message.ReadParams(ProtocolJsonContext.Default.LogParams) : null;

    [Benchmark]
    public StepRunResult? StepAnswer() =>
        JsonRpcMessage.TryParse(_answer, out var message, out _) ? message.ReadResult(ProtocolJsonContext.Default.StepRunResult) : null;
}
