using System.Text.Json;
using TalkingBinaries.Hosting.Packages;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Tests;

public sealed class DevFileLoaderSpecs
{
    private const string DevFilePath = "/projects/app/DevFile";

    // The seed's DevFile, as the Go prototype read it.
    private const string SeedDevFile = """
        plugins:
          - ref: echo            # name that steps use
            name: dist/plugin-echo   # relative path, or a bare name looked up on PATH
            # path: /abs/path       optional: an explicit absolute path
          - ref: shell
            name: dist/plugin-shell

        steps:
          - name: say_hi
            plugin: echo
            config:               # free-form map handed to the plugin
              say: hello world
          - name: say_hi_via_bash
            plugin: shell
            config:
              commands:
              - echo -n "hello world"
              - echo -n "hello world 2"
            # parallel: true     consecutive parallel steps form one "run group"
        """;

    [Fact]
    public void The_seed_DevFile_loads_with_its_plugins_steps_and_config()
    {
        var devFile = DevFileLoader.Parse(SeedDevFile, DevFilePath);

        Assert.Equal(DevFilePath, devFile.Path);
        Assert.Equal("/projects/app", devFile.Directory);
        Assert.Equal(["echo", "shell"], devFile.Plugins.Select(plugin => plugin.Ref));
        Assert.Equal(["say_hi", "say_hi_via_bash"], devFile.Steps.Select(step => step.Name));
        Assert.Equal(["echo", "shell"], devFile.Steps.Select(step => step.Plugin));
        Assert.All(devFile.Steps, step => Assert.False(step.Parallel));
        Assert.Equal("hello world", devFile.Steps[0].Config.GetProperty("say").GetString());
        Assert.Equal(
            ["echo -n \"hello world\"", "echo -n \"hello world 2\""],
            devFile.Steps[1].Config.GetProperty("commands").EnumerateArray().Select(command => command.GetString()));
    }

    [Fact]
    public void Relative_plugin_names_are_kept_as_written_and_the_protocol_defaults_to_v1()
    {
        var devFile = DevFileLoader.Parse(SeedDevFile, DevFilePath);

        var echo = devFile.Plugin("echo");
        var shell = devFile.Plugin("shell");
        Assert.Equal("dist/plugin-echo", echo.Name);
        Assert.Equal("dist/plugin-shell", shell.Name);
        Assert.Null(echo.Path);
        Assert.Equal(PluginProtocol.V1, echo.Protocol);
        Assert.Equal(new SourceLocation(DevFilePath, 2, 5), echo.Location);
        Assert.Equal(new SourceLocation(DevFilePath, 5, 5), shell.Location);
        Assert.Equal(new SourceLocation(DevFilePath, 9, 5), devFile.Steps[0].Location);
        Assert.Equal(new SourceLocation(DevFilePath, 13, 5), devFile.Steps[1].Location);
    }

    [Fact]
    public void Path_parallel_and_the_seed_protocol_are_read()
    {
        var devFile = DevFileLoader.Parse(
            """
            plugins:
              - ref: legacy
                path: ../tools/legacy-plugin
                protocol: seed
              - ref: modern
                name: tb-modern
                protocol: v1
            steps:
              - name: old
                plugin: legacy
                parallel: true
              - name: new
                plugin: modern
                parallel: false
            """,
            DevFilePath);

        var legacy = devFile.Plugin("legacy");
        Assert.Equal("../tools/legacy-plugin", legacy.Path);
        Assert.Null(legacy.Name);
        Assert.Equal(PluginProtocol.Seed, legacy.Protocol);
        Assert.Equal(PluginProtocol.V1, devFile.Plugin("modern").Protocol);
        Assert.True(devFile.Steps[0].Parallel);
        Assert.False(devFile.Steps[1].Parallel);
    }

    [Fact]
    public void A_step_without_config_gets_an_empty_object()
    {
        var devFile = DevFileLoader.Parse(
            """
            plugins:
              - ref: echo
            steps:
              - name: bare
                plugin: echo
              - name: nulled
                plugin: echo
                config: ~
            """,
            DevFilePath);

        Assert.All(devFile.Steps, step =>
        {
            Assert.Equal(JsonValueKind.Object, step.Config.ValueKind);
            Assert.Empty(step.Config.EnumerateObject());
        });
    }

    [Fact]
    public void Plain_scalars_in_config_are_typed_and_quoted_ones_stay_strings()
    {
        var config = ConfigOf(
            """
            integer: 1
            double_quoted: "1"
            single_quoted: '1'
            yes_flag: true
            no_flag: false
            quoted_flag: "true"
            tilde: ~
            null_word: null
            empty:
            real: 1.5
            negative: -3
            exponent: 1e3
            text: hello world
            version: 1.2.3
            switch: on
            answer: no
            """);

        Assert.Equal(1, config.GetProperty("integer").GetInt64());
        Assert.Equal("1", config.GetProperty("double_quoted").GetString());
        Assert.Equal("1", config.GetProperty("single_quoted").GetString());
        Assert.Equal(JsonValueKind.True, config.GetProperty("yes_flag").ValueKind);
        Assert.Equal(JsonValueKind.False, config.GetProperty("no_flag").ValueKind);
        Assert.Equal("true", config.GetProperty("quoted_flag").GetString());
        Assert.Equal(JsonValueKind.Null, config.GetProperty("tilde").ValueKind);
        Assert.Equal(JsonValueKind.Null, config.GetProperty("null_word").ValueKind);
        Assert.Equal(JsonValueKind.Null, config.GetProperty("empty").ValueKind);
        Assert.Equal(JsonValueKind.Number, config.GetProperty("real").ValueKind);
        Assert.Equal(1.5, config.GetProperty("real").GetDouble());
        Assert.Equal(-3, config.GetProperty("negative").GetInt64());
        Assert.Equal(1000.0, config.GetProperty("exponent").GetDouble());
        Assert.Equal("hello world", config.GetProperty("text").GetString());
        Assert.Equal("1.2.3", config.GetProperty("version").GetString());
        Assert.Equal("on", config.GetProperty("switch").GetString());
        Assert.Equal("no", config.GetProperty("answer").GetString());
    }

    [Fact]
    public void A_large_integer_in_config_keeps_every_digit()
    {
        var config = ConfigOf(
            """
            account: 12345678901234567890
            negative: -98765432109876543210
            """);

        Assert.Equal(JsonValueKind.Number, config.GetProperty("account").ValueKind);
        Assert.Equal("12345678901234567890", config.GetProperty("account").GetRawText());
        Assert.Equal("-98765432109876543210", config.GetProperty("negative").GetRawText());
    }

    [Fact]
    public void A_DevFile_with_Windows_line_endings_loads_the_same_and_counts_lines_the_same()
    {
        var windows = SeedDevFile.Replace("\n", "\r\n", StringComparison.Ordinal);

        var devFile = DevFileLoader.Parse(windows, DevFilePath);

        Assert.Equal(["say_hi", "say_hi_via_bash"], devFile.Steps.Select(step => step.Name));
        Assert.Equal("hello world", devFile.Steps[0].Config.GetProperty("say").GetString());
        Assert.Equal(new SourceLocation(DevFilePath, 13, 5), devFile.Steps[1].Location);
    }

    [Fact]
    public void Nested_lists_and_maps_in_config_become_JSON_arrays_and_objects()
    {
        var config = ConfigOf(
            """
            flow: [1, "two", three, ~, {four: 4}]
            block:
              - name: first
                tags: [a, b]
              - - inner
                - 2
            map:
              deeper:
                deepest: true
            script: |
              line one
              line two
            """);

        Assert.Equal(
            """[1,"two","three",null,{"four":4}]""",
            config.GetProperty("flow").GetRawText());
        Assert.Equal(
            """[{"name":"first","tags":["a","b"]},["inner",2]]""",
            config.GetProperty("block").GetRawText());
        Assert.True(config.GetProperty("map").GetProperty("deeper").GetProperty("deepest").GetBoolean());
        Assert.Equal("line one\nline two\n", config.GetProperty("script").GetString());
    }

    [Fact]
    public void Invalid_YAML_with_an_unclosed_quote_is_reported_where_the_quote_opens()
    {
        var error = SingleError(
            """
            steps:
              - name: "say_hi
                plugin: echo
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 2, 11), error.Location);
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("fix the syntax", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_YAML_with_bad_indentation_is_reported_on_the_misindented_line()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
            steps:
              - name: say_hi
                plugin: echo
               config: {}
            """);

        Assert.Equal(6, error.Location.Line);
        Assert.Equal(4, error.Location.Column);
        Assert.StartsWith("invalid YAML: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("indent with spaces", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_YAML_indented_with_a_tab_is_reported_on_the_tab_line()
    {
        var error = SingleError("plugins:\n  - ref: echo\nsteps:\n\t- name: a\n");

        // YamlDotNet raises this one without a position; the loader has to find the line itself.
        Assert.Equal(new SourceLocation(DevFilePath, 4, 1), error.Location);
        Assert.Equal("a tab in indentation; YAML indents with spaces", error.Message);
    }

    [Fact]
    public void A_key_written_twice_in_a_step_is_reported_at_the_second_one()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
            steps:
              - name: first
                plugin: echo
                name: second
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 6, 5), error.Location);
        Assert.Contains("fix the syntax", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_entry_that_is_a_bare_word_is_reported_with_an_example()
    {
        var error = SingleError(
            """
            plugins:
              - echo
            steps: []
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 2, 5), error.Location);
        Assert.Equal("a plugin must be a mapping of keys to values, e.g. '- ref: echo'", error.Message);
    }

    [Fact]
    public void A_plugin_without_a_ref_is_reported_where_the_plugin_starts()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
              - name: dist/plugin-shell
            steps:
              - name: a
                plugin: echo
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 3, 5), error.Location);
        Assert.Equal("a plugin is missing 'ref'; add the name steps use, e.g. 'ref: echo'", error.Message);
    }

    [Fact]
    public void A_step_without_a_name_is_reported_where_the_step_starts()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
            steps:
              - plugin: echo
                config:
                  say: hi
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 4, 5), error.Location);
        Assert.Equal("a step is missing 'name'; add a unique name, e.g. 'name: build'", error.Message);
    }

    [Fact]
    public void A_step_without_a_plugin_is_reported_where_the_step_starts()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
            steps:
              - name: lonely
                config:
                  say: hi
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 4, 5), error.Location);
        Assert.Equal("a step is missing 'plugin'; add the ref of a plugin under 'plugins:'", error.Message);
    }

    [Fact]
    public void An_empty_ref_is_reported_at_its_value()
    {
        var error = SingleError(
            """
            plugins:
              - ref: ""
            steps: []
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 2, 10), error.Location);
        Assert.Equal("'ref' is empty; set it to the name steps use, e.g. 'ref: echo'", error.Message);
    }

    [Fact]
    public void An_unknown_plugin_ref_suggests_the_closest_declared_one()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
              - ref: shell
            steps:
              - name: greet
                plugin: ehco
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 5, 5), error.Location);
        Assert.Equal("step 'greet' uses plugin 'ehco', which is not under 'plugins:' (declared: echo, shell); did you mean 'echo'?", error.Message);
    }

    [Fact]
    public void An_unknown_plugin_ref_with_no_plugins_declared_says_none_are()
    {
        var error = SingleError(
            """
            steps:
              - name: greet
                plugin: echo
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 2, 5), error.Location);
        Assert.Equal("step 'greet' uses plugin 'echo', which is not under 'plugins:' (none are declared)", error.Message);
    }

    [Fact]
    public void A_duplicate_step_name_is_reported_at_the_second_step_with_the_line_of_the_first()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
            steps:
              - name: build
                plugin: echo
              - name: build
                plugin: echo
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 6, 5), error.Location);
        Assert.Equal("step name 'build' is used twice (first at line 4); step names must be unique", error.Message);
    }

    [Fact]
    public void A_duplicate_plugin_ref_is_reported_at_the_second_plugin_with_the_line_of_the_first()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
                name: one
              - ref: echo
                name: two
            steps:
              - name: a
                plugin: echo
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 4, 5), error.Location);
        Assert.Equal("plugin ref 'echo' is declared twice (first at line 2); give each plugin its own ref", error.Message);
    }

    [Fact]
    public void An_unknown_top_level_key_is_reported_with_the_allowed_keys()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
            steps:
              - name: a
                plugin: echo
            variables:
              x: 1
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 6, 1), error.Location);
        Assert.Equal("unknown key 'variables' at the top level; allowed: plugins, steps, max_parallel, vars, secrets", error.Message);
    }

    [Fact]
    public void A_misspelt_steps_key_is_reported_with_a_suggestion_and_the_missing_steps()
    {
        var errors = Errors(
            """
            plugins:
              - ref: echo
            stpes:
              - name: a
                plugin: echo
            """);

        Assert.Equal(
            [
                new DevFileError(new SourceLocation(DevFilePath, 1, 1), "the DevFile has no 'steps:'; add at least one step (see docs/devfile.md)"),
                new DevFileError(new SourceLocation(DevFilePath, 3, 1), "unknown key 'stpes' at the top level; allowed: plugins, steps, max_parallel, vars, secrets; did you mean 'steps'?"),
            ],
            errors);
    }

    [Fact]
    public void An_unknown_step_key_suggests_the_closest_allowed_one()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
            steps:
              - name: a
                plugin: echo
                parralel: true
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 6, 5), error.Location);
        Assert.Equal("unknown key 'parralel' in a step; allowed: name, plugin, config, parallel, needs, timeout, continue_on_error, if, executor, description, retry, matrix, inputs, outputs; did you mean 'parallel'?", error.Message);
    }

    [Fact]
    public void Parallel_that_is_not_true_or_false_is_reported_at_its_value()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
            steps:
              - name: a
                plugin: echo
                parallel: maybe
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 6, 15), error.Location);
        Assert.Equal("'parallel' must be true or false, not 'maybe'", error.Message);
    }

    [Fact]
    public void A_misspelt_protocol_suggests_seed()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
                protocol: sed
            steps:
              - name: a
                plugin: echo
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 3, 15), error.Location);
        Assert.Equal("unknown protocol 'sed'; use 'v1' (the default) or 'seed' (the prototype's format); did you mean 'seed'?", error.Message);
    }

    [Fact]
    public void Config_that_is_a_list_is_reported_where_the_list_starts()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
            steps:
              - name: a
                plugin: echo
                config:
                  - say
                  - hello
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 7, 7), error.Location);
        Assert.Equal("'config' must be a mapping of keys to values, e.g. 'config: { say: hello }'", error.Message);
    }

    [Fact]
    public void Config_that_is_a_single_value_is_reported_at_the_value()
    {
        var error = SingleError(
            """
            plugins:
              - ref: echo
            steps:
              - name: a
                plugin: echo
                config: hello
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 6, 13), error.Location);
        Assert.StartsWith("'config' must be a mapping", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Steps_that_are_not_a_list_are_reported_at_the_value()
    {
        var error = SingleError(
            """
            steps:
              name: a
              plugin: echo
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 2, 3), error.Location);
        Assert.Equal("'steps' must be a list, each item starting with '- '", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n")]
    [InlineData("# only a comment\n")]
    public void An_empty_file_is_reported_at_its_start(string text)
    {
        var error = SingleError(text);

        Assert.Equal(new SourceLocation(DevFilePath, 1, 1), error.Location);
        Assert.Equal("a DevFile must be a mapping with 'plugins:' and 'steps:' (see docs/devfile.md)", error.Message);
    }

    [Fact]
    public void A_file_that_is_a_YAML_list_is_reported_at_the_list()
    {
        var error = SingleError(
            """
            # steps without the 'steps:' key
            - name: a
              plugin: echo
            """);

        Assert.Equal(new SourceLocation(DevFilePath, 2, 1), error.Location);
        Assert.Equal("a DevFile must be a mapping with 'plugins:' and 'steps:' (see docs/devfile.md)", error.Message);
    }

    [Fact]
    public void Every_problem_in_a_file_is_reported_in_line_order()
    {
        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Parse(
            """
            plugins:
              - ref: echo
              - ref: echo
            steps:
              - name: a
                plugin: ehco
                parallel: maybe
              - plugin: echo
            extra: 1
            """,
            DevFilePath));

        Assert.Equal(
            [(3, 5), (5, 5), (7, 15), (8, 5), (9, 1)],
            failure.Errors.Select(error => (error.Location.Line, error.Location.Column)));
        Assert.Contains("declared twice", failure.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("did you mean 'echo'?", failure.Errors[1].Message, StringComparison.Ordinal);
        Assert.Contains("'parallel' must be true or false", failure.Errors[2].Message, StringComparison.Ordinal);
        Assert.Contains("missing 'name'", failure.Errors[3].Message, StringComparison.Ordinal);
        Assert.Contains("unknown key 'extra'", failure.Errors[4].Message, StringComparison.Ordinal);
        Assert.Equal(failure.Errors.Select(error => error.ToString()), failure.Message.Split(Environment.NewLine));
        Assert.StartsWith($"{DevFilePath}:3:5: ", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_reads_a_file_and_names_it_by_its_full_path()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, DevFile.FileName);
        File.WriteAllText(path, SeedDevFile);

        var devFile = DevFileLoader.Load(path);

        Assert.Equal(path, devFile.Path);
        Assert.Equal(temp.Path, devFile.Directory);
        Assert.Equal(2, devFile.Steps.Count);
    }

    [Fact]
    public void Load_reports_errors_with_the_full_path_of_the_file()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, DevFile.FileName);
        File.WriteAllText(path, "steps:\n  - name: a\n    plugin: echo\n");

        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Load(path));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(new SourceLocation(path, 2, 5), error.Location);
        Assert.StartsWith($"{path}:2:5: step 'a' uses plugin 'echo'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_on_a_missing_file_names_the_file()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Path, "nowhere", DevFile.FileName);

        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Load(path));

        Assert.StartsWith($"{path}: cannot read the DevFile: ", failure.Message, StringComparison.Ordinal);
        Assert.NotNull(failure.InnerException);
    }

    [Fact]
    public void Load_on_a_directory_names_the_directory()
    {
        using var temp = new TempDirectory();

        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Load(temp.Path));

        Assert.StartsWith($"{temp.Path}: cannot read the DevFile: ", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Find_walks_up_from_a_nested_directory_to_the_DevFile_of_an_ancestor()
    {
        using var temp = new TempDirectory();
        var devFile = Path.Combine(temp.Path, DevFile.FileName);
        File.WriteAllText(devFile, SeedDevFile);
        var nested = Directory.CreateDirectory(Path.Combine(temp.Path, "src", "deep", "deeper")).FullName;

        var found = DevFileLocator.Find(nested);

        Assert.Equal(devFile, found);
    }

    [Fact]
    public void Find_takes_the_nearest_DevFile_and_skips_a_directory_named_DevFile()
    {
        using var temp = new TempDirectory();
        var middle = Directory.CreateDirectory(Path.Combine(temp.Path, "middle")).FullName;
        var start = Directory.CreateDirectory(Path.Combine(middle, "start")).FullName;
        File.WriteAllText(Path.Combine(temp.Path, DevFile.FileName), SeedDevFile);
        File.WriteAllText(Path.Combine(middle, DevFile.FileName), SeedDevFile);
        Directory.CreateDirectory(Path.Combine(start, DevFile.FileName));

        var found = DevFileLocator.Find(start);

        Assert.Equal(Path.Combine(middle, DevFile.FileName), found);
    }

    [Fact]
    public void Find_takes_a_DevFile_in_the_start_directory_itself()
    {
        using var temp = new TempDirectory();
        var devFile = Path.Combine(temp.Path, DevFile.FileName);
        File.WriteAllText(devFile, SeedDevFile);

        var found = DevFileLocator.Find(temp.Path);

        Assert.Equal(devFile, found);
    }

    [Fact]
    public void Find_without_any_DevFile_up_to_the_root_says_what_to_do()
    {
        using var temp = new TempDirectory();
        var nested = Directory.CreateDirectory(Path.Combine(temp.Path, "a", "b")).FullName;
        var ancestorsWithDevFile = Ancestors(nested).Where(directory => File.Exists(Path.Combine(directory, DevFile.FileName))).ToList();
        Assert.True(ancestorsWithDevFile.Count == 0, $"precondition: no DevFile above {nested}, but found one in {string.Join(", ", ancestorsWithDevFile)}");

        var failure = Assert.Throws<DevFileException>(() => DevFileLocator.Find(nested));

        Assert.Equal($"no DevFile in {nested} or any directory above it; create one (see docs/devfile.md) or pass -f FILE", failure.Message);
        Assert.Empty(failure.Errors);
    }

    [Fact]
    public void A_plugin_source_and_its_sha256_are_read()
    {
        var digest = new string('a', 64);
        var devFile = DevFileLoader.Parse(
            $"""
            plugins:
              - ref: lint
                source: npm:@acme/tb-lint@2.0.0
                sha256: {digest}
              - ref: fmt
                source: nuget:Acme.Fmt@1.2.3
            steps:
              - name: a
                plugin: lint
            """,
            DevFilePath);

        Assert.Equal(new PackageSource(PackageEcosystem.Npm, "@acme/tb-lint", "2.0.0"), devFile.Plugin("lint").Source);
        Assert.Equal(digest, devFile.Plugin("lint").Sha256);
        Assert.Equal(new PackageSource(PackageEcosystem.NuGet, "Acme.Fmt", "1.2.3"), devFile.Plugin("fmt").Source);
        Assert.Null(devFile.Plugin("fmt").Sha256);
        Assert.Null(devFile.Plugin("fmt").Name);
        Assert.Null(devFile.Plugin("fmt").Path);
    }

    [Theory]
    [InlineData("some-plugin@1.2.3", "'source': 'some-plugin@1.2.3' names no package source; write nuget:Some.Plugin@1.2.3 or npm:some-plugin@1.2.3")]
    [InlineData("npm:some-plugin", "'source': 'npm:some-plugin' has no version; pin one, as in npm:some-plugin@1.2.3")]
    [InlineData("npm:some-plugin@^1.2", "'source': '^1.2' is not an exact version; pin one, such as 1.2.3 (ranges and tags like 'latest' would let a run change under you)")]
    [InlineData("npm:some-plugin@latest", "'source': 'latest' is not an exact version; pin one, such as 1.2.3 (ranges and tags like 'latest' would let a run change under you)")]
    [InlineData("'npm:../x@1.0.0'", "'source': '../x' is not an npm package name (lower case, digits, '-', '.', '_', '~', with an optional @scope/); write npm:some-plugin@1.2.3")]
    [InlineData("nuget:-x@1.0.0", "'source': '-x' is not a NuGet package id (letters, digits, '.', '_' and '-'); write nuget:Some.Plugin@1.2.3")]
    public void A_source_that_is_not_a_pinned_package_is_an_error_on_its_line_saying_how_to_write_it(string source, string message)
    {
        var error = SingleError($"plugins:\n  - ref: lint\n    source: {source}\nsteps:\n  - name: a\n    plugin: lint\n");

        Assert.Equal(new SourceLocation(DevFilePath, 3, 13), error.Location);
        Assert.Equal(message, error.Message);
    }

    [Fact]
    public void An_executor_is_local_by_default_slurm_by_name_or_slurm_with_settings_and_a_step_may_override_it()
    {
        var devFile = DevFileLoader.Parse(
            """
            plugins:
              - ref: here
              - ref: there
                executor: slurm
              - ref: tuned
                executor:
                  slurm:
                    partition: debug
                    nodes: 1
                    cpus_per_task: 4
                    mem: 4G
                    time: "1:30:00"
                    account: proj42
                    extra_args: ["--qos=short", "--constraint=avx2"]
                    callback_address: 10.1.2.3
            steps:
              - { name: a, plugin: here }
              - { name: b, plugin: tuned, executor: local }
              - { name: c, plugin: here, executor: { slurm: ~ } }
            """,
            DevFilePath);

        Assert.Equal(ExecutorDefinition.Local, devFile.Plugin("here").Executor);
        Assert.Equal(new ExecutorDefinition { IsSlurm = true }, devFile.Plugin("there").Executor);
        Assert.Equal(
            "slurm(partition=debug, nodes=1, cpus_per_task=4, mem=4G, time=1:30:00, account=proj42, callback_address=10.1.2.3, extra_args=[--qos=short --constraint=avx2])",
            devFile.Plugin("tuned").Executor.ToString());
        Assert.Equal(["--qos=short", "--constraint=avx2"], devFile.Plugin("tuned").Executor.ExtraArguments);
        Assert.Null(devFile.Step("a").Executor);
        Assert.Equal(ExecutorDefinition.Local, devFile.Step("b").Executor);
        Assert.Equal(new ExecutorDefinition { IsSlurm = true }, devFile.Step("c").Executor);
    }

    [Theory]
    [InlineData("executor: slrum", 3, 15, "unknown executor 'slrum'; write 'executor: local', 'executor: slurm', or 'executor: { slurm: { partition: debug } }'; did you mean 'slurm'?")]
    [InlineData("executor: { kubernetes: {} }", 3, 15, "'executor' names one executor; write 'executor: local', 'executor: slurm', or 'executor: { slurm: { partition: debug } }'")]
    [InlineData("executor: { slurm: { cpus_per_task: many } }", 3, 41, "'cpus_per_task' must be a whole number of at least 1, not 'many'")]
    [InlineData("executor: { slurm: { nodes: 2 } }", 3, 33, "'nodes' must be 1: a plugin is one process, and runs on one node (parallel steps may spread over nodes on their own)")]
    public void An_executor_that_cannot_be_used_is_an_error_on_its_line_saying_how_to_write_it(string executor, int line, int column, string message)
    {
        var error = SingleError($"plugins:\n  - ref: lint\n    {executor}\nsteps:\n  - name: a\n    plugin: lint\n");

        Assert.Equal(message, error.Message);
        Assert.Equal(new SourceLocation(DevFilePath, line, column), error.Location);
    }

    [Fact]
    public void A_source_written_as_a_block_scalar_keeps_no_newline_and_is_refused()
    {
        var error = SingleError("plugins:\n  - ref: lint\n    source: |\n      npm:some-plugin@1.2.3\nsteps:\n  - name: a\n    plugin: lint\n");

        Assert.Equal(3, error.Location.Line);
        Assert.StartsWith("'source': '1.2.3\n' is not an exact version", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("name: tb-lint", "name")]
    [InlineData("path: ./tools/lint", "path")]
    public void A_source_with_a_name_or_path_is_an_error_saying_to_give_one(string other, string key)
    {
        var error = SingleError($"plugins:\n  - ref: lint\n    {other}\n    source: npm:tb-lint@1.0.0\nsteps:\n  - name: a\n    plugin: lint\n");

        Assert.Equal(4, error.Location.Line);
        Assert.Equal($"a plugin comes from one place: give 'source' or '{key}', not both", error.Message);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde")]
    [InlineData("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0")]
    [InlineData("g123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    [InlineData("sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public void A_sha256_that_is_not_64_hex_digits_is_an_error_on_its_line(string digest)
    {
        var error = SingleError($"plugins:\n  - ref: lint\n    path: ./lint\n    sha256: {digest}\nsteps:\n  - name: a\n    plugin: lint\n");

        Assert.Equal(new SourceLocation(DevFilePath, 4, 13), error.Location);
        Assert.Equal($"'sha256' must be 64 hexadecimal digits, as 'sha256sum' prints them (for a package, see 'tb lock'), not '{digest}'", error.Message);
    }

    [Fact]
    public void An_upper_case_sha256_is_kept_in_lower_case()
    {
        var devFile = DevFileLoader.Parse(
            "plugins:\n  - ref: lint\n    path: ./lint\n    sha256: 0123456789ABCDEF0123456789abcdef0123456789ABCDEF0123456789ABCDEF\nsteps:\n  - name: a\n    plugin: lint\n",
            DevFilePath);

        Assert.Equal("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", devFile.Plugin("lint").Sha256);
    }

    private static JsonElement ConfigOf(string configYaml)
    {
        var indented = string.Join("\n", configYaml.Split('\n').Select(line => "      " + line));
        var devFile = DevFileLoader.Parse($"plugins:\n  - ref: echo\nsteps:\n  - name: typed\n    plugin: echo\n    config:\n{indented}\n", DevFilePath);
        return Assert.Single(devFile.Steps).Config;
    }

    private static IReadOnlyList<DevFileError> Errors(string text) =>
        Assert.Throws<DevFileException>(() => DevFileLoader.Parse(text, DevFilePath)).Errors;

    private static DevFileError SingleError(string text)
    {
        var errors = Errors(text);
        Assert.True(errors.Count == 1, "expected one error, got:\n" + string.Join("\n", errors));
        return errors[0];
    }

    private static IEnumerable<string> Ancestors(string directory)
    {
        for (var current = new DirectoryInfo(directory); current is not null; current = current.Parent)
        {
            yield return current.FullName;
        }
    }

    /// <summary>A fresh directory under the system's temp directory, deleted with everything in it.</summary>
    private sealed class TempDirectory : IDisposable
    {
        private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-devfile-specs-");

        public string Path => _directory.FullName;

        public void Dispose() => _directory.Delete(recursive: true);
    }
}
