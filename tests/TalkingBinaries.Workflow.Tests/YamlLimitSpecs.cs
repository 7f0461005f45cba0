using System.Text;
using System.Text.Json;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Tests;

public sealed class YamlLimitSpecs : IDisposable
{
    private const string DevFilePath = "/projects/app/DevFile";
    private const string TooDeep = "lists and mappings nested more than 32 levels deep; flatten the value (plugins read at most 64 levels per message)";
    private const string OneStep = "plugins:\n  - ref: p\nsteps:\n  - name: a\n    plugin: p\n";

    private readonly string _directory = Directory.CreateTempSubdirectory("tb-yaml-limits-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_config_nested_32_levels_is_accepted_and_fits_a_plugin_message()
    {
        var devFile = DevFileLoader.Parse(OneStep + $"    config:\n      deep: {Nested(31)}\n", DevFilePath);

        // The SDK reads a whole message with System.Text.Json's default depth of 64; the config sits inside it.
        var message = $"{{\"jsonrpc\":\"2.0\",\"params\":{{\"step\":{{\"config\":{devFile.Steps[0].Config.GetRawText()}}}}}}}";
        using var parsed = JsonDocument.Parse(message);
        Assert.Equal(JsonValueKind.Object, parsed.RootElement.ValueKind);
    }

    [Fact]
    public void A_config_nested_33_levels_is_an_error_at_the_list_too_deep()
    {
        var error = SingleError(OneStep + $"    config:\n      deep: {Nested(32)}\n");

        Assert.Equal(new SourceLocation(DevFilePath, 7, 12 + 32), error.Location);
        Assert.Equal(TooDeep, error.Message);
    }

    [Theory]
    [InlineData(33, 33)]
    [InlineData(64, 34)]
    [InlineData(1_000, 34)]
    [InlineData(100_000, 34)]
    public void A_variable_nested_too_deep_is_an_error_where_it_goes_too_deep_however_deep_it_goes(int depth, int reportedLevel)
    {
        // Before the limit, 64 levels threw JsonReaderException, 1,000 InvalidOperationException, 100,000 overflowed the stack.
        // The file's own limit (room for a step's config, one level deeper than vars) stops the reading one level on.
        var error = SingleError(OneStep + $"vars:\n  deep: {Nested(depth)}\n");

        Assert.Equal(new SourceLocation(DevFilePath, 7, 8 + reportedLevel), error.Location);
        Assert.Equal(TooDeep, error.Message);
    }

    [Fact]
    public void Nesting_made_by_aliases_counts_as_written_out()
    {
        var error = SingleError(OneStep + $"vars:\n  inner: &inner {Nested(20)}\n  outer: {Nested(20, "*inner")}\n");

        Assert.Equal(8, error.Location.Line);
        Assert.Equal(TooDeep, error.Message);
    }

    [Fact]
    public void A_billion_laughs_of_a_few_kilobytes_is_refused_at_the_alias_that_goes_over()
    {
        var text = new StringBuilder(OneStep + "vars:\n  l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level < 10; level++)
        {
            var alias = $"*l{level - 1}";
            text.Append($"  l{level}").Append(": &l").Append(level).Append(" [").Append(string.Join(", ", Enumerable.Repeat(alias, 10))).Append("]\n");
        }

        Assert.True(text.Length < 4096);
        var error = SingleError(text.ToString());

        // l1..l4 add 123,440 nodes; l5 goes over 1,000,000 with its eighth alias of l4 (111,111 nodes each).
        Assert.Equal(new SourceLocation(DevFilePath, 12, 12 + (7 * 5)), error.Location);
        Assert.Equal("aliases ('*name') expand to more than 1,000,000 values; write the values out or repeat less", error.Message);
    }

    [Fact]
    public void An_alias_inside_the_node_its_anchor_names_is_an_error()
    {
        var error = SingleError(OneStep + "vars:\n  loop: &loop [1, *loop]\n");

        Assert.Equal(new SourceLocation(DevFilePath, 7, 19), error.Location);
        Assert.Equal("the alias '*loop' is inside the node its anchor names, which would repeat without end; refer to it from outside", error.Message);
    }

    [Fact]
    public void A_DevFile_over_4_MiB_is_refused_before_it_is_read_with_the_file_and_the_limit()
    {
        var path = Path.Combine(_directory, "DevFile");
        File.WriteAllText(path, OneStep + "# " + new string('x', 5 * 1024 * 1024) + "\n");

        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Load(path));

        Assert.Equal($"{path}: the DevFile is larger than 4 MiB, the most tb reads (docs/devfile.md, \"Limits\"); split it, or move large data into files its steps read", failure.Message);
    }

    [Fact]
    public void DevFile_text_over_4_MiB_is_refused_too()
    {
        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Parse(OneStep + "# " + new string('x', 5 * 1024 * 1024), DevFilePath));

        Assert.StartsWith($"{DevFilePath}: the DevFile is larger than 4 MiB", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_var_file_over_4_MiB_is_refused_with_the_file_and_the_limit()
    {
        var path = Path.Combine(_directory, "big.yml");
        File.WriteAllText(path, "region: eu\n# " + new string('x', 5 * 1024 * 1024) + "\n");

        var failure = Assert.Throws<DevFileException>(() => VarFile.Load(path));

        Assert.StartsWith($"{path}: the var-file is larger than 4 MiB", failure.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(33)]
    [InlineData(100_000)]
    public void A_JSON_var_file_nested_too_deep_is_an_error_at_the_33rd_level(int depth)
    {
        var path = Path.Combine(_directory, "deep.json");
        File.WriteAllText(path, $"{{\"deep\": {Nested(depth)}}}");

        var failure = Assert.Throws<DevFileException>(() => VarFile.Load(path));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(new SourceLocation(path, 1, 10 + 32), error.Location);
        Assert.Equal(TooDeep, error.Message);
    }

    [Fact]
    public void A_var_file_with_a_billion_laughs_is_refused()
    {
        var path = Path.Combine(_directory, "laughs.yml");
        var text = new StringBuilder("l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 1; level < 10; level++)
        {
            text.Append($"l{level}: &l{level} [").Append(string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 10))).Append("]\n");
        }

        File.WriteAllText(path, text.ToString());

        var failure = Assert.Throws<DevFileException>(() => VarFile.Load(path));

        Assert.Equal(6, Assert.Single(failure.Errors).Location.Line);
    }

    [Fact]
    public void A_tab_in_indentation_is_reported_at_the_tab_in_house_wording()
    {
        // YamlDotNet places this one at the end of the line above, in its own words.
        var error = SingleError("plugins:\n  - ref: p\nsteps:\n  - name: a\n\tplugin: p\n");

        Assert.Equal(new SourceLocation(DevFilePath, 5, 1), error.Location);
        Assert.Equal("a tab in indentation; YAML indents with spaces", error.Message);
    }

    [Fact]
    public void A_tab_after_spaces_in_indentation_is_reported_at_its_own_column()
    {
        var error = SingleError("plugins:\n  - ref: p\nsteps:\n  - name: a\n    plugin: p\n    config:\n      a: 1\n      b:\n  \t  c: 2\n");

        Assert.Equal(new SourceLocation(DevFilePath, 9, 3), error.Location);
        Assert.Equal("a tab in indentation; YAML indents with spaces", error.Message);
    }

    private static string Nested(int depth, string inside = "1") => new string('[', depth) + inside + new string(']', depth);

    private static DevFileError SingleError(string text) =>
        Assert.Single(Assert.Throws<DevFileException>(() => DevFileLoader.Parse(text, DevFilePath)).Errors);
}
