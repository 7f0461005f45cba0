using System.Text;
using BenchmarkDotNet.Attributes;
using TalkingBinaries.Protocol.Framing;

namespace TalkingBinaries.Bench.Micro;

/// <summary>Splitting a stream into lines, as the host's reader threads do: 1,000 lines of about 100 bytes.</summary>
[MemoryDiagnoser]
public class LineFraming
{
    private const int Lines = 1000;
    private readonly byte[] _text = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, Lines).Select(n => $"{{\"jsonrpc\":\"2.0\",\"method\":\"log\",\"params\":{{\"stepId\":\"s{n}\",\"message\":\"line {n}\"}}}}\n")));

    [Benchmark(OperationsPerInvoke = Lines)]
    public int OneLine()
    {
        var reader = new NewLineDelimitedReader(new MemoryStream(_text, writable: false));
        var count = 0;
        while (reader.ReadLine() is { } chunk)
        {
            count += chunk.EndsLine ? 1 : 0;
        }

        return count;
    }
}
