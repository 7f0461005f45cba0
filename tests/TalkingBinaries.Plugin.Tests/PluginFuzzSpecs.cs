using System.Text.Json;
using CsCheck;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Plugin.Tests;

/// <summary>Mutated host messages, fed to a real SDK plugin: it says what it cannot read and goes on serving.</summary>
[Trait("Category", "Fuzz")]
public sealed class PluginFuzzSpecs
{
    private static readonly string[] HostMessages =
    [
        """{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersions":[1],"host":{"name":"tb","version":"1"},"capabilities":{"cancel":true}}}""",
        """{"jsonrpc":"2.0","id":2,"method":"step/run","params":{"runId":"r","stepId":"s2","step":"s2","config":{"mode":"outputs","count":1},"parallel":{"enabled":true,"group":1,"instance":0,"instances":2,"siblings":["a"]},"variables":{"v":[1,{"x":null}]}}}""",
        """{"jsonrpc":"2.0","method":"step/cancel","params":{"stepId":"s2"}}""",
        """{"jsonrpc":"2.0","id":"q","result":{"defined":true,"value":"v"}}""",
        """{"jsonrpc":"2.0","id":7,"error":{"code":-32601,"message":"no"}}""",
        """{"jsonrpc":"2.0","id":3,"method":"frob/nicate","params":[1,2,3]}""",
    ];

    [Fact]
    public async Task An_SDK_plugin_fed_mutated_messages_keeps_answering_and_exits_cleanly_at_end_of_input()
    {
        var deadline = Deadline.After(120);
        await using var plugin = WirePlugin.Start(TestExecutables.Get("tb-sdk-test-plugin"));
        await plugin.InitializeAsync(1, deadline);
        var probe = 0;

        // One process for every case, one case at a time: a case that kills or wedges the plugin fails its probe.
        Fuzz.Mutations(HostMessages).Array[1, 10].Where(lines => lines.All(line => !line.Contains("shutdown", StringComparison.Ordinal))).Sample(lines =>
        {
            var id = $"probe-{++probe}";
            var input = string.Concat(lines.Select(line => line.Replace("\n", " ", StringComparison.Ordinal) + "\n"))
                + """{"jsonrpc":"2.0","id":"ID","method":"step/run","params":{"runId":"r","stepId":"ID","step":"p","config":{}}}""".Replace("ID", id, StringComparison.Ordinal);
            plugin.SendAsync(input, deadline).GetAwaiter().GetResult();
            var answer = plugin.ReadUntilAsync(message => message.TryGetProperty("id", out var got) && got.ValueKind == JsonValueKind.String && got.GetString() == id, deadline).GetAwaiter().GetResult();
            Assert.True(answer.TryGetProperty("result", out _), $"the probe got {answer}");
        }, iter: Fuzz.Iterations(150), threads: 1);

        Assert.Equal(0, await plugin.EndAsync(deadline));
        Assert.Empty(await ProcessTable.SurvivorsAsync([plugin.Pid]));
    }
}
