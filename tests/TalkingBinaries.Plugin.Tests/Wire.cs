using System.Text;
using System.Text.Json;

namespace TalkingBinaries.Plugin.Tests;

/// <summary>Lines a host writes (docs/protocol.md), spelled out by hand, and what to check in the answers.</summary>
internal static class Wire
{
    public static string Initialize(int id, params int[] protocolVersions) =>
        $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"initialize","params":{"host":{"name":"tests","version":"1"},"protocolVersions":[{{{string.Join(",", protocolVersions)}}}]}}""";

    public static string StepRun(int id, string stepId, string config) =>
        $$$"""{"jsonrpc":"2.0","id":{{{id}}},"method":"step/run","params":{"runId":"run-1","stepId":"{{{stepId}}}","step":"{{{stepId}}}","config":{{{config}}}}}""";

    public static string StepCancel(string stepId) =>
        $$$"""{"jsonrpc":"2.0","method":"step/cancel","params":{"stepId":"{{{stepId}}}"}}""";

    /// <summary>A <c>step/run</c> line of exactly <paramref name="bytes"/> bytes before its newline, padded in its config.</summary>
    public static byte[] PaddedStepRun(int id, string stepId, int bytes)
    {
        var empty = Encoding.UTF8.GetByteCount(StepRun(id, stepId, """{"mode":"sleep","count":0,"pad":""}"""));
        var line = StepRun(id, stepId, $$"""{"mode":"sleep","count":0,"pad":"{{new string('x', bytes - empty)}}"}""");
        var encoded = Encoding.UTF8.GetBytes(line + "\n");
        Assert.Equal(bytes + 1, encoded.Length);
        return encoded;
    }

    public static bool IsResponse(JsonElement message) => !message.TryGetProperty("method", out _);

    public static bool IsLog(JsonElement message, string stepId, string text) =>
        message.TryGetProperty("method", out var method) && method.GetString() == "log"
        && message.GetProperty("params").GetProperty("stepId").GetString() == stepId
        && message.GetProperty("params").GetProperty("message").GetString() == text;

    /// <summary>Checks that <paramref name="response"/> answers <paramref name="id"/> with a result, and returns the result.</summary>
    public static JsonElement Result(JsonElement response, int id)
    {
        Assert.Equal("2.0", response.GetProperty("jsonrpc").GetString());
        Assert.Equal(id, response.GetProperty("id").GetInt32());
        Assert.False(response.TryGetProperty("error", out var error), $"an error instead of a result: {error}");
        return response.GetProperty("result");
    }

    /// <summary>Checks that <paramref name="response"/> answers <paramref name="id"/> with error <paramref name="code"/>, and returns its message.</summary>
    public static string Error(JsonElement response, int id, int code)
    {
        Assert.Equal("2.0", response.GetProperty("jsonrpc").GetString());
        Assert.Equal(id, response.GetProperty("id").GetInt32());
        Assert.False(response.TryGetProperty("result", out var result), $"a result instead of an error: {result}");
        var error = response.GetProperty("error");
        Assert.Equal(code, error.GetProperty("code").GetInt32());
        return error.GetProperty("message").GetString()!;
    }
}
