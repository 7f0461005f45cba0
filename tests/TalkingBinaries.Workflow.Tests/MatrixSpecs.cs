using TalkingBinaries.Tests;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>A step's <c>matrix</c> (docs/devfile.md, "Matrix"): instances, their values, their order, and the errors.</summary>
/// <remarks>Parallelism is asserted from the report's timestamps (which intervals overlap), never from wall-clock thresholds.</remarks>
public sealed class MatrixSpecs : IDisposable
{
    private const string DevFilePath = "/work/DevFile";
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-matrix-");
    private readonly RecordingObserver _observer = new();

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public async Task A_two_by_two_matrix_runs_four_instances_named_by_their_values_each_seeing_its_own()
    {
        var report = await Run("""
            steps:
              - name: build
                plugin: echo
                matrix:
                  os: [linux, mac]
                  level: [1, 2]
                config: { say: "os=${{ matrix.os }} level=${{ matrix.level }}" }
            """);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Equal(["build (linux, 1)", "build (linux, 2)", "build (mac, 1)", "build (mac, 2)"], report.Steps.Select(step => step.Name));
        Assert.Equal(["os=linux level=1"], _observer.TextOf("build (linux, 1)"));
        Assert.Equal(["os=linux level=2"], _observer.TextOf("build (linux, 2)"));
        Assert.Equal(["os=mac level=1"], _observer.TextOf("build (mac, 1)"));
        Assert.Equal(["os=mac level=2"], _observer.TextOf("build (mac, 2)"));
    }

    [Fact]
    public async Task Instances_run_at_the_same_time_and_a_step_that_needs_the_matrix_step_starts_after_all_of_them()
    {
        var report = await Run("""
            steps:
              - name: first
                plugin: test
                config: { mode: sleep, ms: 10 }
              - name: build
                plugin: test
                matrix:
                  os: [a, b]
                  level: [1, 2]
                config: { mode: sleep, ms: 1000 }
              - name: unrelated
                plugin: test
                needs: []
                config: { mode: sleep, ms: 10 }
              - name: after
                plugin: test
                needs: [build]
                config: { mode: sleep, ms: 10 }
            """, maxParallel: 4);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        var instances = report.Steps.Where(step => step.Name.StartsWith("build (", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, instances.Count);
        foreach (var a in instances)
        {
            Assert.True(a.StartedAt >= IsolatedRun.Step(report, "first").FinishedAt, $"{a.Name} started before 'first', which the matrix step waits for, finished");
            foreach (var b in instances.Where(other => other != a))
            {
                Assert.True(a.StartedAt < b.FinishedAt && b.StartedAt < a.FinishedAt, $"{a.Name} and {b.Name} did not run at the same time");
            }
        }

        Assert.True(IsolatedRun.Step(report, "after").StartedAt >= instances.Max(step => step.FinishedAt), "'after' started before every instance finished");
    }

    [Fact]
    public async Task Exclude_drops_combinations_and_include_adds_keys_to_matching_ones_or_a_combination_of_its_own()
    {
        var report = await Run("""
            steps:
              - name: build
                plugin: echo
                matrix:
                  os: [a, b]
                  level: [1, 2]
                  exclude:
                    - { os: b, level: 2 }
                  include:
                    - { os: a, flavour: x }
                    - { os: c, level: 3 }
                config: { say: "${{ matrix.os }}/${{ matrix.level }}/${{ default(matrix.flavour, '-') }}" }
            """);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Equal(["build (a, 1, x)", "build (a, 2, x)", "build (b, 1)", "build (c, 3)"], report.Steps.Select(step => step.Name));
        Assert.Equal(["a/1/x"], _observer.TextOf("build (a, 1, x)"));
        Assert.Equal(["b/1/-"], _observer.TextOf("build (b, 1)"));
        Assert.Equal(["c/3/-"], _observer.TextOf("build (c, 3)"));
    }

    [Fact]
    public async Task Matrix_values_work_in_if_and_an_instance_outputs_are_read_by_its_full_name()
    {
        var report = await Run("""
            steps:
              - name: build
                plugin: echo
                matrix:
                  os: [a, b]
                if: matrix.os == 'a'
                config: { say: "built on ${{ matrix.os }}" }
              - name: after
                plugin: echo
                needs: build
                if: always()
                config: { say: "${{ steps['build (a)'].outputs.said }} and ${{ steps['build (b)'].status }}" }
            """);

        Assert.Equal(StepStatus.Succeeded, IsolatedRun.Step(report, "build (a)").Status);
        Assert.Equal(StepStatus.Skipped, IsolatedRun.Step(report, "build (b)").Status);
        Assert.Equal(["built on a and skipped"], _observer.TextOf("after"));
    }

    [Fact]
    public async Task A_matrix_filter_runs_only_the_instances_with_that_value_and_leaves_other_steps_alone()
    {
        var report = await Run("""
            steps:
              - name: build
                plugin: echo
                matrix:
                  os: [a, b]
                  level: [1, 2]
                config: { say: "${{ matrix.os }}" }
              - name: after
                plugin: echo
                needs: [build]
                config: { say: done }
            """, matrix: ["os=a"]);

        Assert.Equal(RunStatus.Succeeded, report.Status);
        Assert.Equal(["build (a, 1)", "build (a, 2)", "after"], report.Steps.Select(step => step.Name));
    }

    [Theory]
    [InlineData("os=z", "--matrix os=z: no instance has os=z (values of os: a, b)")]
    [InlineData("arch=a", "--matrix arch=a: no matrix step has the key 'arch' (keys: os)")]
    [InlineData("os", "--matrix 'os' must be KEY=VALUE, e.g. --matrix os=linux")]
    public async Task A_matrix_filter_that_matches_nothing_is_an_error_before_anything_runs(string filter, string message)
    {
        var failure = await Assert.ThrowsAsync<DevFileException>(() => Run("""
            steps:
              - name: build
                plugin: echo
                matrix: { os: [a, b] }
                config: { say: hi }
            """, matrix: [filter]));

        Assert.StartsWith(message, failure.Message, StringComparison.Ordinal);
        Assert.Empty(_observer.Calls);
    }

    [Theory]
    [InlineData("matrix: [a, b]", 6, "'matrix' must be a mapping of keys to lists of values")]
    [InlineData("matrix: { os: [] }", 6, "matrix key 'os' has no values; give at least one, or remove the key")]
    [InlineData("matrix: { os: a }", 6, "matrix key 'os' must be a list of values")]
    [InlineData("matrix: { os: [[a]] }", 6, "matrix values must be strings, numbers or booleans; 'os' has a list or mapping here")]
    [InlineData("matrix: { os: [a, a] }", 6, "matrix key 'os' lists 'a' twice")]
    [InlineData("matrix: { 'o s': [a] }", 6, "'o s' is not a matrix key")]
    [InlineData("matrix: { os: [a], exclude: [{ arch: x }] }", 6, "'exclude' names 'arch', which is not a key of this matrix (keys: os)")]
    [InlineData("matrix: { os: [a], exclude: [{ os: a }] }", 6, "the matrix's 'exclude' removes every combination")]
    [InlineData("matrix: {}", 6, "'matrix' has no keys")]
    [InlineData("matrix: { a: [1, 2, 3, 4, 5, 6, 7, 8, 9], b: [1, 2, 3, 4, 5, 6, 7, 8, 9], c: [1, 2, 3, 4] }", 6, "the matrix makes 324 instances, more than 256")]
    [InlineData("matrix: { a: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], b: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], c: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10], d: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10] }", 6, "the matrix makes 10,000 instances, more than 256")]
    [InlineData("matrix: { os: [a] }\n    config: { say: '${{ matrix.arch }}' }", 7, "in '${{ matrix.arch }}': step 'build' has no matrix key 'arch' (it has os)")]
    public void A_bad_matrix_is_one_error_with_its_line(string matrix, int line, string message)
    {
        var error = SingleError($"plugins:\n  - ref: echo\nsteps:\n  - name: build\n    plugin: echo\n    {matrix}\n");

        Assert.Equal(line, error.Location.Line);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Matrix_used_outside_a_matrix_step_is_an_error_before_the_run()
    {
        var error = SingleError("plugins:\n  - ref: echo\nsteps:\n  - name: plain\n    plugin: echo\n    config: { say: '${{ matrix.os }}' }\n");

        Assert.Equal((6, 25), (error.Location.Line, error.Location.Column));
        Assert.Contains("'matrix' is known only in a step with 'matrix:', and step 'plain' has none", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_instance_named_like_another_step_is_an_error()
    {
        var error = SingleError("plugins:\n  - ref: echo\nsteps:\n  - name: build (a)\n    plugin: echo\n  - name: build\n    plugin: echo\n    matrix: { os: [a] }\n");

        Assert.Equal(6, error.Location.Line);
        Assert.Contains("step name 'build (a)' is used twice (first at line 4)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_matrix_step_named_like_another_step_is_an_error()
    {
        var error = SingleError("plugins:\n  - ref: echo\nsteps:\n  - name: build\n    plugin: echo\n  - name: build\n    plugin: echo\n    matrix: { os: [a, b] }\n");

        Assert.Equal(6, error.Location.Line);
        Assert.Contains("step name 'build' is used twice (first at line 4)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Reading_the_outputs_of_a_matrix_step_by_its_own_name_says_to_name_an_instance()
    {
        var error = SingleError("plugins:\n  - ref: echo\nsteps:\n  - name: build\n    plugin: echo\n    matrix: { os: [a, b] }\n  - name: after\n    plugin: echo\n    config: { say: '${{ steps.build.outputs.said }}' }\n");

        Assert.Equal(9, error.Location.Line);
        Assert.Contains("'build' is a matrix step, whose outputs are its instances'; name one, e.g. steps['build (a)']", error.Message, StringComparison.Ordinal);
    }

    private static DevFileError SingleError(string text)
    {
        var errors = Assert.Throws<DevFileException>(() => DevFileLoader.Parse(text, DevFilePath)).Errors;
        Assert.True(errors.Count == 1, "expected one error, got:\n" + string.Join("\n", errors));
        return errors[0];
    }

    private Task<RunReport> Run(string steps, int maxParallel = 8, IReadOnlyList<string>? matrix = null) =>
        IsolatedRun.RunAsync(_directory, $$"""
            plugins:
              - ref: test
                path: {{TestExecutables.TestPlugin}}
              - ref: echo
                path: {{TestExecutables.Echo}}
            {{steps}}
            """, IsolatedRun.Options with { MaxParallel = maxParallel, Matrix = matrix ?? [] }, _observer);
}
