extern alias JsonSchemaNet;

using System.Text.Json;
using System.Text.RegularExpressions;
using JsonSchemaNet::Json.Schema;
using TalkingBinaries.Tests;
using TalkingBinaries.Workflow.DevFiles;
using YamlDotNet.RepresentationModel;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>
/// The DevFile's JSON Schema (<c>tb schema</c>) against the loader and against every DevFile the repository shows.
/// </summary>
/// <remarks>
/// A ```yaml block of docs/devfile.md or README.md is taken for a whole DevFile when a line of it starts with
/// <c>steps:</c>, and must then validate. A block that has <c>steps:</c> but is not a valid DevFile on purpose (an
/// example of an error) says so with <c>```yaml not-a-devfile</c> as its opening fence; the word after <c>yaml</c> keeps
/// the highlighting and tells this spec to leave the block alone.
/// </remarks>
public sealed partial class DevFileSchemaSpecs
{
    private static readonly Lazy<JsonSchema> Schema = new(() => JsonSchema.FromText(DevFileSchema.Text));

    private static readonly JsonDocument SchemaDocument = JsonDocument.Parse(DevFileSchema.Text);

    [Fact]
    public void The_schema_is_draft_2020_12()
    {
        Assert.Equal("https://json-schema.org/draft/2020-12/schema", SchemaDocument.RootElement.GetProperty("$schema").GetString());
        Assert.NotNull(Schema.Value);
    }

    [Fact]
    public void The_schema_lists_the_top_level_keys_the_loader_accepts()
    {
        Assert.Equal(Sorted(DevFileLoader.KnownTopLevelKeys), Keys(SchemaDocument.RootElement));
    }

    [Fact]
    public void The_schema_lists_the_plugin_keys_the_loader_accepts()
    {
        Assert.Equal(Sorted(DevFileLoader.KnownPluginKeys), Keys(Definition("plugin")));
    }

    [Fact]
    public void The_schema_lists_the_step_keys_the_loader_accepts()
    {
        Assert.Equal(Sorted(DevFileLoader.KnownStepKeys), Keys(Definition("step")));
    }

    [Fact]
    public void The_schema_lists_the_slurm_keys_the_loader_accepts()
    {
        Assert.Equal(Sorted(DevFileLoader.KnownSlurmKeys), Keys(Definition("slurm")));
    }

    [Fact]
    public void The_schema_lists_the_protocols_and_executors_the_loader_knows()
    {
        var protocols = Definition("plugin").GetProperty("properties").GetProperty("protocol").GetProperty("enum").EnumerateArray().Select(value => value.GetString()!);
        var executors = Definition("executor").GetProperty("anyOf")[0].GetProperty("enum").EnumerateArray().Select(value => value.GetString()!);

        Assert.Equal(Sorted(DevFileLoader.KnownProtocols), Sorted(protocols));
        Assert.Equal(Sorted(DevFileLoader.KnownExecutors), Sorted(executors));
    }

    [Fact]
    public void Every_place_that_takes_no_other_keys_says_so()
    {
        foreach (var place in new[] { SchemaDocument.RootElement, Definition("plugin"), Definition("step"), Definition("slurm") })
        {
            Assert.False(place.GetProperty("additionalProperties").GetBoolean());
        }
    }

    public static TheoryData<string> RepositoryDevFiles()
    {
        var root = TestExecutables.RepositoryRoot;
        var files = new TheoryData<string>();
        foreach (var path in new[] { "DevFile" }
            .Concat(Find(root, "examples"))
            .Concat(Find(root, "bench")))
        {
            files.Add(path);
        }

        return files;
    }

    [Theory]
    [MemberData(nameof(RepositoryDevFiles))]
    public void Every_DevFile_in_the_repository_validates(string relativePath)
    {
        var path = Path.Combine(TestExecutables.RepositoryRoot, relativePath);

        AssertValid(relativePath, File.ReadAllText(path));
    }

    public static TheoryData<string, int> DocumentedDevFiles()
    {
        var blocks = new TheoryData<string, int>();
        foreach (var document in new[] { "README.md", "docs/devfile.md" })
        {
            foreach (var block in YamlBlocks(document).Where(block => block.IsWholeDevFile))
            {
                blocks.Add(document, block.Line);
            }
        }

        return blocks;
    }

    [Theory]
    [MemberData(nameof(DocumentedDevFiles))]
    public void Every_whole_DevFile_in_the_docs_validates(string document, int line)
    {
        var block = YamlBlocks(document).Single(block => block.Line == line);

        AssertValid($"{document}:{line}", block.Text);
    }

    [Fact]
    public void The_docs_show_whole_DevFiles()
    {
        // Guards the recognition itself: the spec above must not pass because it found nothing to check.
        Assert.True(DocumentedDevFiles().Count >= 10, $"only {DocumentedDevFiles().Count} whole DevFiles found in the docs");
    }

    [Theory]
    [InlineData("an unknown top-level key", "stpes: []\nsteps: []\n")]
    [InlineData("no steps", "plugins:\n  - ref: echo\n")]
    [InlineData("an unknown plugin key", "plugins:\n  - ref: echo\n    nmae: dist/plugin-echo\nsteps: []\n")]
    [InlineData("an unknown step key", "steps:\n  - name: a\n    plugin: echo\n    needz: [b]\n")]
    [InlineData("an unknown slurm key", "plugins:\n  - ref: echo\n    executor: { slurm: { partitoin: debug } }\nsteps: []\n")]
    [InlineData("a step without a plugin", "steps:\n  - name: a\n")]
    [InlineData("steps that are not a list", "steps: 5\n")]
    [InlineData("max_parallel that is not a number", "max_parallel: many\nsteps: []\n")]
    [InlineData("max_parallel of zero", "max_parallel: 0\nsteps: []\n")]
    [InlineData("parallel that is not true or false", "steps:\n  - name: a\n    plugin: echo\n    parallel: maybe\n")]
    [InlineData("config that is a list", "steps:\n  - name: a\n    plugin: echo\n    config: [1, 2]\n")]
    [InlineData("a timeout that is no duration", "steps:\n  - name: a\n    plugin: echo\n    timeout: soon\n")]
    [InlineData("a timeout of zero", "steps:\n  - name: a\n    plugin: echo\n    timeout: 0s\n")]
    [InlineData("an unknown protocol", "plugins:\n  - ref: echo\n    protocol: v2\nsteps: []\n")]
    [InlineData("an unknown executor", "plugins:\n  - ref: echo\n    executor: kubernetes\nsteps: []\n")]
    [InlineData("a source without a version", "plugins:\n  - ref: greet\n    source: nuget:Greet.Plugin\nsteps: []\n")]
    [InlineData("a source with a range", "plugins:\n  - ref: greet\n    source: npm:greet@^1.2.0\nsteps: []\n")]
    [InlineData("a source and a path", "plugins:\n  - ref: greet\n    source: npm:greet@1.2.0\n    path: ./greet\nsteps: []\n")]
    [InlineData("a short sha256", "plugins:\n  - ref: echo\n    sha256: abc123\nsteps: []\n")]
    [InlineData("a variable name with a dot", "vars:\n  a.b: 1\nsteps: []\n")]
    [InlineData("a null step name", "steps:\n  - name: ~\n    plugin: echo\n")]
    [InlineData("a step name with a tab", "steps:\n  - name: \"a\\tb\"\n    plugin: echo\n")]
    [InlineData("two slurm nodes", "plugins:\n  - ref: echo\n    executor: { slurm: { nodes: 2 } }\nsteps: []\n")]
    public void A_DevFile_the_loader_refuses_fails_the_schema(string what, string yaml)
    {
        Assert.False(Evaluate(yaml).IsValid, $"the schema accepts {what}");
        Assert.Throws<DevFileException>(() => DevFileLoader.Parse(yaml, "/tmp/DevFile"));
    }

    [Theory]
    [InlineData("durations", "plugins:\n  - ref: echo\nsteps:\n  - name: a\n    plugin: echo\n    timeout: 90s\n  - name: b\n    plugin: echo\n    timeout: 10m\n  - name: c\n    plugin: echo\n    timeout: 1.5\n  - name: d\n    plugin: echo\n    timeout: 500ms\n")]
    [InlineData("an expression as timeout", "plugins:\n  - ref: echo\nsteps:\n  - name: a\n    plugin: echo\n    timeout: ${{ vars.t }}\nvars:\n  t: 5s\n")]
    [InlineData("package sources", "plugins:\n  - ref: a\n    source: nuget:Some.Plugin@1.2.3\n  - ref: b\n    source: npm:@scope/some-plugin@1.2.3-beta.1\nsteps: []\n")]
    [InlineData("needs as one name and as a list", "steps:\n  - name: a\n    plugin: echo\n    needs: []\n  - name: b\n    plugin: echo\n    needs: a\n  - name: c\n    plugin: echo\n    needs: [a, b]\nplugins:\n  - ref: echo\n")]
    [InlineData("executors", "plugins:\n  - ref: a\n    executor: local\n  - ref: b\n    executor: { slurm: { partition: debug, cpus_per_task: 2, mem: 512M, time: \"5\", extra_args: [--exclusive] } }\n  - ref: c\n    executor:\n      slurm:\nsteps:\n  - name: s\n    plugin: a\n    executor: slurm\n")]
    [InlineData("empty lists", "plugins:\nsteps:\n")]
    [InlineData("booleans as YAML writes them", "plugins:\n  - ref: echo\n    warm: False\nsteps:\n  - name: a\n    plugin: echo\n    parallel: TRUE\n    continue_on_error: \"true\"\n")]
    [InlineData("quoted words YAML would read as null", "plugins:\n  - ref: echo\nsteps:\n  - name: \"null\"\n    plugin: echo\n")]
    public void A_DevFile_the_loader_accepts_passes_the_schema(string what, string yaml)
    {
        var results = Evaluate(yaml);

        Assert.True(results.IsValid, $"the schema refuses {what}: {Describe(results)}");
        DevFileLoader.Parse(yaml, "/tmp/DevFile");
    }

    [Fact]
    public void A_step_may_have_a_description()
    {
        Assert.True(Evaluate("plugins:\n  - ref: echo\nsteps:\n  - name: a\n    description: says hello\n    plugin: echo\n").IsValid);
        Assert.False(Evaluate("plugins:\n  - ref: echo\nsteps:\n  - name: a\n    description: [says, hello]\n    plugin: echo\n").IsValid);
    }

    private static void AssertValid(string where, string yaml)
    {
        var results = Evaluate(yaml);
        Assert.True(results.IsValid, $"{where} does not validate against tb schema: {Describe(results)}");
    }

    private static EvaluationResults Evaluate(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        var json = YamlJson.ToJson(stream.Documents[0].RootNode, "DevFile");
        return Schema.Value.Evaluate(json, new EvaluationOptions { OutputFormat = OutputFormat.List });
    }

    private static string Describe(EvaluationResults results) =>
        string.Join("; ", (results.Details ?? [])
            .Where(detail => detail.Errors is { Count: > 0 })
            .SelectMany(detail => detail.Errors!.Select(error => $"{detail.InstanceLocation}: {error.Value}")));

    private static JsonElement Definition(string name) => SchemaDocument.RootElement.GetProperty("$defs").GetProperty(name);

    private static List<string> Keys(JsonElement schema) =>
        Sorted(schema.GetProperty("properties").EnumerateObject().Select(property => property.Name));

    private static List<string> Sorted(IEnumerable<string> keys) => keys.Order(StringComparer.Ordinal).ToList();

    private static IEnumerable<string> Find(string root, string folder) =>
        Directory.Exists(Path.Combine(root, folder))
            ? Directory.EnumerateFiles(Path.Combine(root, folder), "DevFile*", SearchOption.AllDirectories)
                .Where(path => !path.EndsWith(".lock", StringComparison.Ordinal) && !path.Contains("/bin/", StringComparison.Ordinal) && !path.Contains("/obj/", StringComparison.Ordinal))
                .Select(path => Path.GetRelativePath(root, path))
            : [];

    private static List<YamlBlock> YamlBlocks(string document)
    {
        var lines = File.ReadAllLines(Path.Combine(TestExecutables.RepositoryRoot, document));
        var blocks = new List<YamlBlock>();
        for (var index = 0; index < lines.Length; index++)
        {
            if (Fence().Match(lines[index]) is not { Success: true } fence)
            {
                continue;
            }

            var start = index;
            var body = new List<string>();
            for (index++; index < lines.Length && !lines[index].TrimStart().StartsWith("```", StringComparison.Ordinal); index++)
            {
                body.Add(lines[index]);
            }

            var indent = fence.Groups["indent"].Value.Length;
            var text = string.Join('\n', body.Select(line => line.Length >= indent ? line[indent..] : line.TrimStart())) + "\n";
            var marked = fence.Groups["info"].Value.Trim() == "not-a-devfile";
            blocks.Add(new YamlBlock(start + 1, text, !marked && text.Split('\n').Any(line => line.StartsWith("steps:", StringComparison.Ordinal))));
        }

        return blocks;
    }

    [GeneratedRegex(@"^(?<indent>\s*)```ya?ml(?<info>.*)$")]
    private static partial Regex Fence();

    private sealed record YamlBlock(int Line, string Text, bool IsWholeDevFile);
}
