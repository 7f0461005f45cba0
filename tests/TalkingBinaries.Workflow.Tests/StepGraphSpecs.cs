using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Planning;

namespace TalkingBinaries.Workflow.Tests;

public sealed class StepGraphSpecs
{
    private const string DevFilePath = "/projects/app/DevFile";

    [Fact]
    public void Steps_without_needs_wait_for_everything_above_and_run_groups_wait_for_what_is_above_the_group()
    {
        var graph = Graph("""
            - { name: a, plugin: p }
            - { name: b, plugin: p, parallel: true }
            - { name: c, plugin: p, parallel: true }
            - { name: d, plugin: p }
            - { name: e, plugin: p, parallel: true }
            """);

        Assert.Empty(graph.Dependencies["a"]);
        Assert.Equal(["a"], graph.Dependencies["b"]);
        Assert.Equal(["a"], graph.Dependencies["c"]);
        Assert.Equal(["b", "c"], graph.Dependencies["d"]);
        Assert.Equal(["d"], graph.Dependencies["e"]);
        Assert.Equal([0, 1, 1, 2, 3], new[] { "a", "b", "c", "d", "e" }.Select(name => graph.Waves[name]));
        Assert.Equal(["b", "c"], graph.WaveMembers[1]);
    }

    [Fact]
    public void A_step_with_needs_waits_for_exactly_those_and_the_next_plain_step_waits_for_it_too()
    {
        var graph = Graph("""
            - { name: a, plugin: p }
            - { name: b, plugin: p, needs: [] }
            - { name: c, plugin: p }
            """);

        Assert.Empty(graph.Dependencies["b"]);
        Assert.Equal(["a", "b"], graph.Dependencies["c"]);
        Assert.Equal(0, graph.Waves["b"]);
    }

    [Fact]
    public void A_step_with_needs_breaks_a_run_group()
    {
        var graph = Graph("""
            - { name: a, plugin: p }
            - { name: b, plugin: p, parallel: true }
            - { name: c, plugin: p, parallel: true, needs: [a] }
            - { name: d, plugin: p, parallel: true }
            """);

        Assert.Equal(["a"], graph.Dependencies["b"]);
        Assert.Equal(["a"], graph.Dependencies["c"]);
        Assert.Equal(["b", "c"], graph.Dependencies["d"]);
    }

    [Fact]
    public void The_closure_of_a_step_is_it_and_everything_it_waits_for_in_file_order()
    {
        var graph = Graph("""
            - { name: a, plugin: p, needs: [] }
            - { name: b, plugin: p, needs: [] }
            - { name: c, plugin: p, needs: [a] }
            - { name: d, plugin: p, needs: [c] }
            """);

        Assert.Equal(["a", "c", "d"], graph.Closure("d"));
        Assert.Equal(["b"], graph.Closure("b"));
    }

    [Fact]
    public void A_cycle_is_an_error_that_prints_the_cycle()
    {
        var error = Assert.Single(Errors("""
            - name: a
              plugin: p
              needs: [b]
            - name: b
              plugin: p
              needs: [a]
            """));

        Assert.Equal(new SourceLocation(DevFilePath, 4, 5), error.Location);
        Assert.StartsWith("steps wait for each other in a cycle: a -> b -> a;", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_cycle_through_file_order_is_found_too()
    {
        var error = Assert.Single(Errors("""
            - name: first
              plugin: p
              needs: [second]
            - name: second
              plugin: p
            """));

        Assert.Contains("first -> second -> first", error.Message, StringComparison.Ordinal);
        Assert.Contains("a step without 'needs' waits for every step above it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_step_that_needs_itself_or_an_unknown_step_is_an_error_at_that_name()
    {
        var errors = Errors("""
            - name: build
              plugin: p
              needs: [build, biuld2, tset]
            - name: test
              plugin: p
            """);

        Assert.Equal(
            [
                new DevFileError(new SourceLocation(DevFilePath, 6, 13), "step 'build' needs itself; remove it from its own 'needs'"),
                new DevFileError(new SourceLocation(DevFilePath, 6, 20), "step 'build' needs 'biuld2', which is not a step"),
                new DevFileError(new SourceLocation(DevFilePath, 6, 28), "step 'build' needs 'tset', which is not a step; did you mean 'test'?"),
            ],
            errors);
    }

    [Theory]
    [InlineData("max_parallel: 0\n", "'max_parallel' must be a whole number of at least 1, not '0'")]
    [InlineData("max_parallel: many\n", "'max_parallel' must be a whole number of at least 1, not 'many'")]
    public void A_bad_max_parallel_is_an_error(string line, string message)
    {
        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Parse(line + "plugins:\n  - ref: p\nsteps:\n  - { name: a, plugin: p }\n", DevFilePath));

        Assert.Equal(message, Assert.Single(failure.Errors).Message);
    }

    [Theory]
    [InlineData("timeout: soon", "'timeout' must be a duration such as 500ms, 30s, 2m, 1h or 1d, not 'soon'")]
    [InlineData("timeout: 0s", "'timeout' must be a duration above zero such as 30s, 2m or 500ms, not '0s'")]
    [InlineData("continue_on_error: maybe", "'continue_on_error' must be true or false, not 'maybe'")]
    public void A_bad_step_setting_is_an_error(string setting, string message)
    {
        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Parse($"plugins:\n  - ref: p\nsteps:\n  - name: a\n    plugin: p\n    {setting}\n", DevFilePath));

        Assert.Equal(message, Assert.Single(failure.Errors).Message);
    }

    [Fact]
    public void Step_settings_are_read_with_their_types()
    {
        var devFile = DevFileLoader.Parse("max_parallel: 3\nplugins:\n  - ref: p\nsteps:\n  - { name: a, plugin: p }\n  - { name: b, plugin: p, needs: a, timeout: 1m30s, continue_on_error: true }\n".Replace("1m30s", "90s", StringComparison.Ordinal), DevFilePath);

        Assert.Equal(3, devFile.MaxParallel);
        var b = devFile.Step("b");
        Assert.Equal(["a"], b.Needs!.Select(need => need.Name));
        Assert.Equal(TimeSpan.FromSeconds(90), b.Timeout);
        Assert.True(b.ContinueOnError);
        Assert.Null(devFile.Step("a").Needs);
    }

    private static StepGraph Graph(string steps) => StepGraph.Build(Load(steps).Steps);

    private static DevFile Load(string steps) =>
        DevFileLoader.Parse("plugins:\n  - ref: p\nsteps:\n" + Indent(steps), DevFilePath);

    private static IReadOnlyList<DevFileError> Errors(string steps) =>
        Assert.Throws<DevFileException>(() => Load(steps)).Errors;

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(line => "  " + line)) + "\n";
}
