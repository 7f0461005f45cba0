using System.Text;
using TalkingBinaries.Protocol.Seed;

namespace TalkingBinaries.Protocol.Tests;

public sealed class SeedOutputSpecs
{
    [Fact]
    public void Outputs_come_back_decoded_in_numeric_key_order()
    {
        var stdout = $$"""
            {"UserOutput":{"10":"{{B64("eleventh")}}","2":"{{B64("third")}}","0":"{{B64("first")}}","1":"{{B64("second")}}"},
             "Errors":{"1":"{{B64("error two")}}","0":"{{B64("error one")}}"},
             "PluginLogs":"{{B64("ran 4 commands\n")}}"}
            """;

        var decoded = SeedOutput.TryDecode(Encoding.UTF8.GetBytes(stdout), out var output, out var problem);

        Assert.True(decoded, problem);
        Assert.Null(problem);
        Assert.Equal(["first", "second", "third", "eleventh"], output!.UserOutput);
        Assert.Equal(["error one", "error two"], output.Errors);
        Assert.Equal("ran 4 commands\n", output.PluginLogs);
    }

    [Fact]
    public void Key_10_comes_after_key_9_and_not_after_key_1()
    {
        var entries = string.Join(",", Enumerable.Range(0, 12).Reverse().Select(n => $"\"{n}\":\"{B64($"out {n}")}\""));
        var stdout = "{\"UserOutput\":{" + entries + "}}";

        var decoded = SeedOutput.TryDecode(Encoding.UTF8.GetBytes(stdout), out var output, out var problem);

        Assert.True(decoded, problem);
        Assert.Equal(Enumerable.Range(0, 12).Select(n => $"out {n}"), output!.UserOutput);
    }

    [Fact]
    public void Base64_of_multi_byte_text_decodes_to_the_same_text()
    {
        var stdout = $$$"""{"UserOutput":{"0":"{{{B64("héllo ✓ 🚀\n")}}}"}}""";

        var decoded = SeedOutput.TryDecode(Encoding.UTF8.GetBytes(stdout), out var output, out var problem);

        Assert.True(decoded, problem);
        Assert.Equal(["héllo ✓ 🚀\n"], output!.UserOutput);
    }

    [Fact]
    public void Missing_fields_give_empty_lists_and_empty_logs()
    {
        var decoded = SeedOutput.TryDecode("{}"u8, out var output, out var problem);

        Assert.True(decoded, problem);
        Assert.Empty(output!.UserOutput);
        Assert.Empty(output.Errors);
        Assert.Equal(string.Empty, output.PluginLogs);
    }

    [Fact]
    public void Empty_values_decode_to_empty_strings()
    {
        var decoded = SeedOutput.TryDecode("""{"UserOutput":{"0":""},"Errors":{"0":""},"PluginLogs":""}"""u8, out var output, out var problem);

        Assert.True(decoded, problem);
        Assert.Equal([string.Empty], output!.UserOutput);
        Assert.Equal([string.Empty], output.Errors);
        Assert.Equal(string.Empty, output.PluginLogs);
    }

    [Fact]
    public void Surrounding_whitespace_and_a_trailing_newline_are_accepted()
    {
        var stdout = $$"""

              {"PluginLogs":"{{B64("ok")}}"}

            """.Replace("\n", "\r\n", StringComparison.Ordinal);

        var decoded = SeedOutput.TryDecode(Encoding.UTF8.GetBytes(stdout), out var output, out var problem);

        Assert.True(decoded, problem);
        Assert.Equal("ok", output!.PluginLogs);
    }

    [Fact]
    public void The_prototype_echo_text_is_not_a_seed_response_and_says_so()
    {
        // The Go prototype's echo plugin printed this instead of JSON (tests/plugins/seed-echo-prototype.sh).
        var stdout = """Configuration received: {"Config":{"say":"hello world"},"Parallel":false}""";

        var decoded = SeedOutput.TryDecode(Encoding.UTF8.GetBytes(stdout), out var output, out var problem);

        Assert.False(decoded);
        Assert.Null(output);
        Assert.StartsWith("its stdout is not the seed JSON response (", problem, StringComparison.Ordinal);
        Assert.EndsWith(")", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_stdout_is_not_a_seed_response()
    {
        var decoded = SeedOutput.TryDecode("\n"u8, out var output, out var problem);

        Assert.False(decoded);
        Assert.Null(output);
        Assert.StartsWith("its stdout is not the seed JSON response", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_JSON_null_is_not_a_seed_response()
    {
        var decoded = SeedOutput.TryDecode("null"u8, out var output, out var problem);

        Assert.False(decoded);
        Assert.Null(output);
        Assert.Equal("its stdout is a JSON null, not the seed JSON response", problem);
    }

    [Theory]
    [InlineData("""{"UserOutput":{"0":"not base64!"}}""")]
    [InlineData("""{"Errors":{"0":"@@@@"}}""")]
    [InlineData("""{"PluginLogs":"abc"}""")]
    public void A_value_that_is_not_base64_is_refused_with_a_reason(string stdout)
    {
        var decoded = SeedOutput.TryDecode(Encoding.UTF8.GetBytes(stdout), out var output, out var problem);

        Assert.False(decoded);
        Assert.Null(output);
        Assert.StartsWith("its response holds a value that is not base64 (", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Member_names_are_matched_regardless_of_case()
    {
        var stdout = $$"""{"useroutput":{"0":"{{B64("lower")}}"},"pluginlogs":"{{B64("logs")}}"}""";

        var decoded = SeedOutput.TryDecode(Encoding.UTF8.GetBytes(stdout), out var output, out var problem);

        Assert.True(decoded, problem);
        Assert.Equal(["lower"], output!.UserOutput);
        Assert.Equal("logs", output.PluginLogs);
    }

    private static string B64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));
}
