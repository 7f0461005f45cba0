using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.UpToDate;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>A step's <c>inputs</c> and <c>outputs</c> patterns, matched against a real directory (docs/devfile.md, "Up to date").</summary>
public sealed class FileGlobSpecs : IDisposable
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("tb-glob-");

    public FileGlobSpecs()
    {
        // The DevFile's directory is "project"; "shared" is beside it, for '..' patterns.
        foreach (var file in new[]
        {
            "project/a.c", "project/b.c", "project/c.h", "project/ab.c", "project/x.c", "project/notes.txt",
            "project/src/main.c", "project/src/util/io.c", "project/src/util/io.tmp", "project/src/gen/made.c",
            "project/docs/readme.md", "project/.git/config", "project/src/.git/HEAD", "project/.tb/state/DevFile.json",
            "shared/common.h", "shared/deep/more.h", "shared/other.txt",
        })
        {
            var path = Path.Combine(_root.FullName, file);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, file);
        }
    }

    private string Project => Path.Combine(_root.FullName, "project");

    public void Dispose() => _root.Delete(recursive: true);

    [Fact]
    public void A_star_matches_any_name_within_one_directory_and_never_crosses_a_slash()
    {
        Assert.Equal(["a.c", "ab.c", "b.c", "x.c"], Expand("*.c"));
        Assert.Equal(["src/main.c"], Expand("src/*.c"));
    }

    [Fact]
    public void A_question_mark_matches_exactly_one_character()
    {
        Assert.Equal(["a.c", "b.c", "c.h", "x.c"], Expand("?.?"));
        Assert.Equal(["ab.c"], Expand("??.c"));
    }

    [Fact]
    public void A_class_matches_a_range_or_a_list_and_a_negated_class_matches_the_rest()
    {
        Assert.Equal(["a.c", "b.c"], Expand("[a-b].c"));
        Assert.Equal(["a.c", "x.c"], Expand("[ax].c"));
        Assert.Equal(["a.c", "b.c"], Expand("[!x].c"));
        Assert.Equal(["a.c", "b.c"], Expand("[^x].c"));
    }

    [Fact]
    public void A_double_star_matches_any_number_of_directories_none_included()
    {
        Assert.Equal(["src/gen/made.c", "src/main.c", "src/util/io.c"], Expand("src/**/*.c"));
        Assert.Equal(["a.c", "ab.c", "b.c", "src/gen/made.c", "src/main.c", "src/util/io.c", "x.c"], Expand("**/*.c"));
    }

    [Fact]
    public void A_pattern_naming_a_directory_stands_for_every_file_beneath_it()
    {
        Assert.Equal(["src/gen/made.c", "src/main.c", "src/util/io.c", "src/util/io.tmp"], Expand("src"));
        Assert.Equal(["src/gen/made.c", "src/util/io.c", "src/util/io.tmp"], Expand("src/[gu]*"));
        Assert.Equal(["notes.txt"], Expand("notes.txt"));
    }

    [Fact]
    public void Bang_patterns_leave_files_out_whatever_pattern_brought_them_in()
    {
        Assert.Equal(["src/gen/made.c", "src/main.c", "src/util/io.c"], Expand("src/**", "!src/**/*.tmp"));
        Assert.Equal(["src/main.c", "src/util/io.c", "src/util/io.tmp"], Expand("src", "!src/gen"));
        Assert.Equal(["ab.c", "b.c"], Expand("?.c", "*.c", "![ax].c"));
    }

    [Fact]
    public void Dot_dot_segments_before_the_wildcards_reach_a_directory_beside_the_DevFile()
    {
        Assert.Equal(["../shared/common.h"], Expand("../shared/*.h"));
        Assert.Equal(["../shared/common.h", "../shared/deep/more.h"], Expand("../shared/**/*.h"));
        Assert.Equal(["../shared/common.h", "../shared/deep/more.h", "../shared/other.txt"], Expand("../shared"));
    }

    [Fact]
    public void The_git_and_tb_directories_are_never_walked_unless_a_pattern_names_them()
    {
        var everything = Expand("**");

        Assert.DoesNotContain(everything, path => path.Contains(".git/", StringComparison.Ordinal) || path.StartsWith(".tb/", StringComparison.Ordinal));
        Assert.Contains("src/util/io.c", everything);
        Assert.Empty(Expand("**/config"));
        Assert.Equal([".tb/state/DevFile.json"], Expand(".tb/state"));
    }

    [Fact]
    public async Task A_symbolic_link_loop_does_not_hang_the_walk_and_a_linked_file_counts_as_the_file()
    {
        Directory.CreateSymbolicLink(Path.Combine(Project, "src", "loop"), Project);
        File.CreateSymbolicLink(Path.Combine(Project, "linked.c"), Path.Combine(Project, "a.c"));

        var expanding = Task.Run(() => Expand("**/*.c"));
        var finished = await Task.WhenAny(expanding, Task.Delay(TimeSpan.FromSeconds(10)));

        Assert.Same(expanding, finished);
        Assert.Equal(["a.c", "ab.c", "b.c", "linked.c", "src/gen/made.c", "src/main.c", "src/util/io.c", "x.c"], await expanding);
    }

    [Fact]
    public void A_pattern_that_matches_nothing_or_names_a_missing_path_expands_to_no_file()
    {
        Assert.Empty(Expand("*.rs"));
        Assert.Empty(Expand("missing/**/*.c"));
        Assert.Empty(Expand("missing.c"));
    }

    [Fact]
    public void A_new_file_that_matches_is_found_on_the_next_expansion()
    {
        var set = Set("src/**/*.c");
        Assert.DoesNotContain("src/util/new.c", set.Expand(Project));

        File.WriteAllText(Path.Combine(Project, "src", "util", "new.c"), "new");

        Assert.Contains("src/util/new.c", set.Expand(Project));
    }

    [Theory]
    [InlineData("src/**.c", "'**' must be a whole segment")]
    [InlineData("src/*/../*.c", "'..' after a wildcard")]
    [InlineData("src/[abc.c", "'[' without its ']'")]
    [InlineData("src/[a]x[b.c", "'[' without its ']'")]
    [InlineData("src/[!].c", "'[' without its ']'")]
    [InlineData("src\\\\*.c", "backslash")]
    public void A_bad_pattern_is_rejected_by_the_loader_with_one_line_naming_its_line_and_column(string pattern, string problem)
    {
        var path = Path.Combine(Project, DevFile.FileName);
        File.WriteAllText(path, $"""
            plugins:
              - ref: echo
                name: plugin-echo
            steps:
              - name: build
                plugin: echo
                inputs:
                  - "*.c"
                  - "{pattern}"
            """);

        var exception = Assert.Throws<DevFileException>(() => DevFileLoader.Load(path));

        var error = Assert.Single(exception.Errors);
        Assert.Equal(9, error.Location.Line);
        Assert.Equal(9, error.Location.Column);
        Assert.Contains(problem, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("'inputs' pattern '", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.ToString());
        Assert.Contains($":9:9", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Only_bang_patterns_are_rejected_since_they_leave_files_out_of_nothing()
    {
        var path = Path.Combine(Project, DevFile.FileName);
        File.WriteAllText(path, """
            plugins:
              - ref: echo
                name: plugin-echo
            steps:
              - name: build
                plugin: echo
                outputs: ["!*.tmp"]
            """);

        var error = Assert.Single(Assert.Throws<DevFileException>(() => DevFileLoader.Load(path)).Errors);

        Assert.Equal(7, error.Location.Line);
        Assert.Contains("only '!' patterns", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_loader_reads_one_string_or_a_list_into_the_steps_file_sets()
    {
        var path = Path.Combine(Project, DevFile.FileName);
        File.WriteAllText(path, """
            plugins:
              - ref: echo
                name: plugin-echo
            steps:
              - name: build
                plugin: echo
                inputs: src/**/*.c
                outputs: ["src/**", "!src/**/*.c"]
              - name: plain
                plugin: echo
            """);

        var devFile = DevFileLoader.Load(path);

        var build = devFile.Step("build");
        Assert.True(build.Tracked);
        Assert.Equal(["src/gen/made.c", "src/main.c", "src/util/io.c"], build.Inputs!.Expand(Project));
        Assert.Equal(["src/util/io.tmp"], build.OutputFiles!.Expand(Project));
        Assert.False(devFile.Step("plain").Tracked);
    }

    private IReadOnlyList<string> Expand(params string[] patterns) => Set(patterns).Expand(Project);

    private static FileSet Set(params string[] patterns)
    {
        var include = new List<FileGlob>();
        var exclude = new List<FileGlob>();
        foreach (var pattern in patterns)
        {
            var excluded = pattern.StartsWith('!');
            var glob = FileGlob.Parse(excluded ? pattern[1..] : pattern, out var problem);
            Assert.True(glob is not null, $"'{pattern}' {problem}");
            (excluded ? exclude : include).Add(glob!);
        }

        return new FileSet(include, exclude);
    }
}
