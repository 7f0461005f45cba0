using System.Diagnostics;
using System.Text.Json;
using TalkingBinaries.Tests;
using Xunit.Abstractions;

namespace TalkingBinaries.Cli.Tests;

/// <summary>tb list, tb graph and tb run --dry-run: seeing a DevFile without running it.</summary>
public sealed class TbDiscoverySpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-discovery-");
    private readonly ITestOutputHelper _output;

    // Names with spaces, quotes, '#', a backslash and letters outside ASCII; a diamond, then a step that waits by file order.
    private const string Diamond = """
        plugins:
          - ref: p
            path: ./marker-plugin
        steps:
          - { name: "build \"app\"", plugin: p, description: compiles it }
          - { name: "tëst 1", plugin: p, needs: ["build \"app\""] }
          - { name: "lint #2", plugin: p, needs: ["build \"app\""], if: "vars.strict == 'yes'" }
          - { name: 'ship\it', plugin: p }
        """;

    public TbDiscoverySpecs(ITestOutputHelper output)
    {
        _output = output;
        var plugin = Path.Combine(_directory.FullName, "marker-plugin");
        File.WriteAllText(plugin, $"#!/bin/sh\ntouch '{Marker}'\n");
        File.SetUnixFileMode(plugin, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private string Marker => Path.Combine(_directory.FullName, "started");

    public void Dispose() => _directory.Delete(recursive: true);

    private void WriteDevFile(string text) => File.WriteAllText(Path.Combine(_directory.FullName, "DevFile"), text);

    [Fact]
    public async Task Graph_prints_exact_mermaid_with_safe_ids_and_dashed_arrows_for_file_order()
    {
        WriteDevFile(Diamond);

        using var tb = await Tb.RunAsync(_directory.FullName, "graph");

        Assert.Equal(0, tb.ExitCode);
        Assert.Equal("""
            flowchart TD
                s0["build #quot;app#quot;"]
                s1["tëst 1"]
                s2["lint #35;2"]
                s3["ship\it"]
                s0 --> s1
                s0 --> s2
                s1 -.-> s3
                s2 -.-> s3

            """, tb.Stdout);
        var lines = tb.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines.Skip(1), line => Assert.Matches("^    (s\\d+\\[\"[^\"]*\"\\]|s\\d+ (-->|-\\.->) s\\d+)$", line));
    }

    [Fact]
    public async Task Graph_prints_exact_dot_that_graphviz_accepts()
    {
        WriteDevFile(Diamond);

        using var tb = await Tb.RunAsync(_directory.FullName, "graph", "--format", "dot");

        Assert.Equal(0, tb.ExitCode);
        Assert.Equal("""
            digraph steps {
                node [shape=box];
                "build \"app\"";
                "tëst 1";
                "lint #2";
                "ship\\it";
                "build \"app\"" -> "tëst 1";
                "build \"app\"" -> "lint #2";
                "tëst 1" -> "ship\\it" [style=dashed];
                "lint #2" -> "ship\\it" [style=dashed];
            }

            """, tb.Stdout);
        var dot = Which("dot");
        if (dot is null)
        {
            _output.WriteLine("Graphviz's dot is not installed: the DOT text was checked, not parsed by Graphviz");
            return;
        }

        var start = new ProcessStartInfo(dot, ["-Tcanon"]) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(tb.Stdout);
        process.StandardInput.Close();
        var canonical = await process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(Deadline.After(30));
        Assert.True(process.ExitCode == 0, errors);
        Assert.Contains("\"tëst 1\" -> \"ship\\\\it\"", canonical, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Graph_json_has_nodes_and_edges_and_a_bad_format_exits_2()
    {
        WriteDevFile(Diamond);

        using var tb = await Tb.RunAsync(_directory.FullName, "graph", "--json");
        using var bad = await Tb.RunAsync(_directory.FullName, "graph", "--format", "svg");

        Assert.Equal(0, tb.ExitCode);
        using var document = JsonDocument.Parse(tb.Stdout);
        Assert.Equal(["build \"app\"", "tëst 1", "lint #2", "ship\\it"], document.RootElement.GetProperty("nodes").EnumerateArray().Select(node => node.GetProperty("id").GetString()));
        var edges = document.RootElement.GetProperty("edges").EnumerateArray().Select(edge => $"{edge.GetProperty("from").GetString()}>{edge.GetProperty("to").GetString()}:{edge.GetProperty("written").GetBoolean()}");
        Assert.Equal(["build \"app\">tëst 1:True", "build \"app\">lint #2:True", "tëst 1>ship\\it:False", "lint #2>ship\\it:False"], edges);
        Assert.Equal(2, bad.ExitCode);
        Assert.Equal("tb: error: --format must be mermaid or dot, not 'svg'\n", bad.Stderr);
    }

    [Fact]
    public async Task List_prints_an_aligned_table_without_colour_when_not_on_a_terminal()
    {
        WriteDevFile(Diamond);

        using var tb = await Tb.RunAsync(_directory.FullName, "list");

        Assert.Equal(0, tb.ExitCode);
        Assert.Equal($"""
            STEP         PLUGIN  NEEDS        WAITS FOR        IF                    DESCRIPTION
            build "app"  p       -            -                -                     compiles it
            tëst 1       p       build "app"  build "app"      -                     -
            lint #2      p       build "app"  build "app"      vars.strict == 'yes'  -
            ship\it      p       -            tëst 1, lint #2  -                     -
            {Path.Combine(_directory.FullName, "DevFile")}: 4 steps

            """, tb.Stdout);
        Assert.DoesNotContain("\u001b[", tb.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task List_json_has_what_was_written_and_what_each_step_waits_for()
    {
        WriteDevFile(Diamond);

        using var tb = await Tb.RunAsync(_directory.FullName, "list", "--json");

        Assert.Equal(0, tb.ExitCode);
        using var document = JsonDocument.Parse(tb.Stdout);
        var ship = document.RootElement.GetProperty("steps")[3];
        Assert.Equal(JsonValueKind.Null, ship.GetProperty("needs").ValueKind);
        Assert.Equal(["tëst 1", "lint #2"], ship.GetProperty("waitsFor").EnumerateArray().Select(name => name.GetString()));
        Assert.Equal("compiles it", document.RootElement.GetProperty("steps")[0].GetProperty("description").GetString());
    }

    [Fact]
    public async Task A_dry_run_shows_waves_and_unknowns_and_starts_no_plugin()
    {
        WriteDevFile("""
            vars:
              who: world
            secrets: [token]
            plugins:
              - ref: p
                path: ./marker-plugin
            steps:
              - { name: top, plugin: p, config: { say: "hello ${{ vars.who }}", auth: "${{ secrets.token }}" } }
              - { name: left, plugin: p, needs: top, if: "vars.strict == 'yes'" }
              - { name: right, plugin: p, needs: top }
              - { name: bottom, plugin: p, needs: [left, right], config: { got: "${{ steps.left.outputs.x }}" } }
            """);
        File.WriteAllText(Path.Combine(_directory.FullName, "vars.yaml"), "secrets:\n  token: s3cr3t-token\n");

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--dry-run", "-j", "2", "--var", "strict=no", "--var-file", "vars.yaml");

        _output.WriteLine(tb.Stdout + tb.Stderr);
        Assert.Equal(0, tb.ExitCode);
        var plugin = Path.Combine(_directory.FullName, "marker-plugin");
        Assert.Equal($"""
            tb: dry run of {Path.Combine(_directory.FullName, "DevFile")} (4 steps in 3 waves, at most 2 at once)
            wave 1:
              [top] plugin p: {plugin}
                  config: {"{"}"say":"hello world","auth":"***"{"}"}
            wave 2:
              [left] plugin p: {plugin}
                  waits for: top
                  if: vars.strict == 'yes' (false: it would be skipped)
                  config: {"{}"}
              [right] plugin p: {plugin}
                  waits for: top
                  config: {"{}"}
            wave 3:
              [bottom] plugin p: {plugin}
                  waits for: left, right
                  config: {"{"}"got":"${"{{"} steps.left.outputs.x {"}}"}"{"}"}
                  unknown until the run: config/got: steps.left.outputs.x is known only once step 'left' has run
            dry run: nothing was started; {Path.Combine(_directory.FullName, "DevFile")} is valid

            """, tb.Stdout);
        Assert.DoesNotContain("s3cr3t", tb.Stdout, StringComparison.Ordinal);
        Assert.False(File.Exists(Marker), "a dry run started the plugin");
    }

    [Fact]
    public async Task A_dry_run_json_is_the_plan_and_a_bad_DevFile_exits_2_with_its_line()
    {
        WriteDevFile(Diamond);

        using var tb = await Tb.RunAsync(_directory.FullName, "run", "--dry-run", "--json", "--step", "lint #2");
        Assert.Equal(0, tb.ExitCode);
        using var document = JsonDocument.Parse(tb.Stdout);
        var waves = document.RootElement.GetProperty("waves").EnumerateArray().Select(wave => string.Join(",", wave.GetProperty("steps").EnumerateArray().Select(step => step.GetProperty("name").GetString()))).ToList();
        Assert.Equal(["build \"app\"", "lint #2"], waves);
        Assert.Equal(JsonValueKind.Null, document.RootElement.GetProperty("waves")[1].GetProperty("steps")[0].GetProperty("runs").ValueKind);

        WriteDevFile(Diamond.Replace("needs: [\"build \\\"app\\\"\"], if", "needs: [buld], if", StringComparison.Ordinal));
        using var bad = await Tb.RunAsync(_directory.FullName, "run", "--dry-run");
        Assert.Equal(2, bad.ExitCode);
        Assert.StartsWith($"tb: error: {Path.Combine(_directory.FullName, "DevFile")}:7:", bad.Stderr, StringComparison.Ordinal);
        Assert.Contains("step 'lint #2' needs 'buld', which is not a step", bad.Stderr, StringComparison.Ordinal);
        Assert.Equal(string.Empty, bad.Stdout);
        Assert.False(File.Exists(Marker), "a dry run started the plugin");
    }

    [Fact]
    public async Task List_and_the_dry_run_show_each_steps_retry_and_each_matrix_instances_step_and_values()
    {
        WriteDevFile("""
            plugins:
              - ref: p
                path: ./marker-plugin
            steps:
              - { name: fetch, plugin: p, retry: { max: 3, delay: 1s, backoff: 2, on: [3, timeout] } }
              - { name: test, plugin: p, retry: { max: 1, delay: 500ms }, matrix: { os: [a, b], level: [1] }, description: runs the tests }
            """);

        using var list = await Tb.RunAsync(_directory.FullName, "list");
        Assert.Equal(0, list.ExitCode);
        Assert.Equal($"""
            STEP         PLUGIN  NEEDS  WAITS FOR  IF  RETRY                                      MATRIX               DESCRIPTION
            fetch        p       -      -          -   max 3, delay 1s, backoff 2, on 3, timeout  -                    -
            test (a, 1)  p       -      fetch      -   max 1, delay 500ms                         test: os=a, level=1  runs the tests
            test (b, 1)  p       -      fetch      -   max 1, delay 500ms                         test: os=b, level=1  runs the tests
            {Path.Combine(_directory.FullName, "DevFile")}: 3 steps

            """, list.Stdout);

        using var dryRun = await Tb.RunAsync(_directory.FullName, "run", "--dry-run", "--step", "test");
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Contains("\n  [fetch] plugin p: ", dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("""
                  retry: max 3, delay 1s, backoff 2, on 3, timeout
                  config: {}
            """, dryRun.Stdout, StringComparison.Ordinal);
        Assert.Contains("""
                  waits for: fetch
                  matrix: test: os=b, level=1
                  retry: max 1, delay 500ms
                  config: {}
            """, dryRun.Stdout, StringComparison.Ordinal);

        using var json = await Tb.RunAsync(_directory.FullName, "run", "--dry-run", "--json");
        Assert.Equal(0, json.ExitCode);
        using var document = JsonDocument.Parse(json.Stdout);
        var steps = document.RootElement.GetProperty("waves").EnumerateArray().SelectMany(wave => wave.GetProperty("steps").EnumerateArray()).ToDictionary(step => step.GetProperty("name").GetString()!);
        Assert.Equal("""{"max":3,"delay":"1s","backoff":2,"exitCodes":[3],"kinds":["timeout"]}""", Compact(steps["fetch"].GetProperty("retry")));
        Assert.Equal(JsonValueKind.Null, steps["fetch"].GetProperty("matrix").ValueKind);
        Assert.Equal("""{"step":"test","values":{"os":"a","level":1}}""", Compact(steps["test (a, 1)"].GetProperty("matrix")));
        Assert.Equal("""{"max":1,"delay":"500ms","backoff":1,"exitCodes":[],"kinds":[]}""", Compact(steps["test (a, 1)"].GetProperty("retry")));

        using var listJson = await Tb.RunAsync(_directory.FullName, "list", "--json");
        using var listed = JsonDocument.Parse(listJson.Stdout);
        Assert.Equal("""{"step":"test","values":{"os":"b","level":1}}""", Compact(listed.RootElement.GetProperty("steps")[2].GetProperty("matrix")));
        Assert.Equal(3, listed.RootElement.GetProperty("steps")[0].GetProperty("retry").GetProperty("max").GetInt32());
        Assert.False(File.Exists(Marker), "a dry run started the plugin");
    }

    private static string Compact(JsonElement value)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            value.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static string? Which(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, name)).FirstOrDefault(File.Exists);
}
