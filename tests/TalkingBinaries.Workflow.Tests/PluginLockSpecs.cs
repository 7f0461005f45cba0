using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Plugins;

namespace TalkingBinaries.Workflow.Tests;

public sealed class PluginLockSpecs : IDisposable
{
    private const string LockPath = "/projects/app/DevFile.lock";
    private static readonly string HashA = new('a', 64);
    private static readonly string HashB = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    private static readonly PluginLock Sample = new(
        LockPath,
        [
            new PluginLockEntry("lint", "npm:@acme/tb-lint@2.0.0", "package", "2.0.0", "node_modules/.bin/tb-lint", HashA),
            new PluginLockEntry("echo", "path:./dist/plugin-echo", "path", Version: null, "dist/plugin-echo", HashB),
            new PluginLockEntry("odd \"name\" \\ é", "ref:odd", "path-convention", Version: null, "/usr/local/bin/tb-odd <&>", HashB),
        ]);

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-lock-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void A_lock_file_reads_back_as_it_was_written()
    {
        var parsed = PluginLock.Parse(Sample.Format(), LockPath);

        Assert.Equal(LockPath, parsed.Path);
        Assert.Equal(Sample.Plugins, parsed.Plugins);
        Assert.Equal(Sample.Format(), parsed.Format());
    }

    [Fact]
    public void A_lock_file_has_one_field_per_line_in_the_DevFiles_order_so_a_change_reads_well_in_a_diff()
    {
        var text = PluginLock.Parse(Sample.Format(), LockPath).Format();

        Assert.Equal(
            $$"""
            {
              "comment": "Written by 'tb lock'; 'tb run' refuses a plugin whose files no longer match. Commit it.",
              "version": 1,
              "plugins": [
                {
                  "ref": "lint",
                  "source": "npm:@acme/tb-lint@2.0.0",
                  "found_by": "package",
                  "version": "2.0.0",
                  "executable": "node_modules/.bin/tb-lint",
                  "sha256": "{{HashA}}"
                },
                {
                  "ref": "echo",
                  "source": "path:./dist/plugin-echo",
                  "found_by": "path",
                  "executable": "dist/plugin-echo",
                  "sha256": "{{HashB}}"
                },
                {
                  "ref": "odd \"name\" \\ é",
                  "source": "ref:odd",
                  "found_by": "path-convention",
                  "executable": "/usr/local/bin/tb-odd <&>",
                  "sha256": "{{HashB}}"
                }
              ]
            }

            """,
            text);
    }

    [Fact]
    public void An_entry_is_found_by_its_ref()
    {
        Assert.Equal("dist/plugin-echo", Sample.Entry("echo")?.Executable);
        Assert.Null(Sample.Entry("ghost"));
    }

    [Fact]
    public void The_lock_file_of_a_DevFile_is_beside_it_with_lock_added()
    {
        Assert.Equal("/projects/app/DevFile.lock", PluginLock.PathFor("/projects/app/DevFile"));
        Assert.Equal(Path.Combine(Environment.CurrentDirectory, "ci.yaml.lock"), PluginLock.PathFor("ci.yaml"));
    }

    [Fact]
    public void An_upper_case_hash_is_read_in_lower_case()
    {
        var text = Sample.Format().Replace(HashB, HashB.ToUpperInvariant(), StringComparison.Ordinal);

        var parsed = PluginLock.Parse(text, LockPath);

        Assert.Equal(HashB, parsed.Entry("echo")?.Sha256);
    }

    [Fact]
    public void A_written_lock_file_is_loaded_back_and_a_missing_one_is_none()
    {
        var path = Path.Combine(_directory.FullName, "DevFile.lock");
        var lockFile = Sample with { Path = path };

        Assert.Null(PluginLock.Load(path));
        lockFile.Write();
        var loaded = PluginLock.Load(path);

        Assert.NotNull(loaded);
        Assert.Equal(lockFile.Plugins, loaded.Plugins);
        Assert.Equal(path, loaded.Path);
        Assert.Equal([path], Directory.GetFiles(_directory.FullName));
    }

    [Fact]
    public void Malformed_JSON_is_an_error_on_its_line_saying_to_run_tb_lock()
    {
        var text = Sample.Format().Replace("\"found_by\": \"path\",", "\"found_by\": \"path\"", StringComparison.Ordinal);

        var error = SingleError(text);

        Assert.Equal(LockPath, error.Location.File);
        Assert.Equal(17, error.Location.Line);
        Assert.Equal("this lock file is not valid JSON; it is written by 'tb lock': run that again (and do not edit the file by hand)", error.Message);
    }

    [Theory]
    [InlineData("")]
    [InlineData("[]")]
    [InlineData("""{"plugins": []}""")]
    [InlineData("""{"version": "1", "plugins": []}""")]
    [InlineData("""{"version": 1}""")]
    [InlineData("""{"version": 1, "plugins": {}}""")]
    public void A_lock_file_without_a_version_and_a_plugins_list_is_an_error_saying_to_run_tb_lock(string text)
    {
        var error = SingleError(text);

        Assert.Equal(LockPath, error.Location.File);
        Assert.Contains("run that again", error.Message, StringComparison.Ordinal);
        Assert.Contains("'tb lock'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2")]
    [InlineData("0")]
    [InlineData("1.5")]
    public void A_lock_file_of_another_version_is_an_error_saying_to_lock_again_with_this_tb(string version)
    {
        var error = SingleError($$"""{"version": {{version}}, "plugins": []}""");

        Assert.Equal(new SourceLocation(LockPath, 1, 1), error.Location);
        Assert.Equal($"lock file version {version} is not one this tb reads (1); run 'tb lock' with this tb to write it again", error.Message);
    }

    [Theory]
    [InlineData("ref")]
    [InlineData("source")]
    [InlineData("found_by")]
    [InlineData("executable")]
    [InlineData("sha256")]
    public void An_entry_missing_a_field_is_an_error_naming_the_entry_and_saying_to_run_tb_lock(string field)
    {
        var entry = new Dictionary<string, string>
        {
            ["ref"] = "echo",
            ["source"] = "ref:echo",
            ["found_by"] = "bundled",
            ["executable"] = "/x",
            ["sha256"] = HashA,
        };
        entry.Remove(field);
        var fields = string.Join(", ", entry.Select(pair => $"\"{pair.Key}\": \"{pair.Value}\""));

        var error = SingleError($$"""{"version": 1, "plugins": [{"ref": "ok", "source": "ref:ok", "found_by": "bundled", "executable": "/ok", "sha256": "{{HashA}}"}, { {{fields}} }]}""");

        Assert.Equal(new SourceLocation(LockPath, 1, 1), error.Location);
        Assert.Equal(
            "this lock file has a plugin entry without 'ref', 'source', 'found_by', 'executable' and a 64-digit 'sha256' (entry 2); it is written by 'tb lock': run that again (and do not edit the file by hand)",
            error.Message);
    }

    [Theory]
    [InlineData("\"abc\"")]
    [InlineData("42")]
    [InlineData("null")]
    public void An_entry_whose_sha256_is_not_64_hex_digits_is_an_error(string sha256)
    {
        var error = SingleError($$"""{"version": 1, "plugins": [{"ref": "ok", "source": "ref:ok", "found_by": "bundled", "executable": "/ok", "sha256": {{sha256}}}]}""");

        Assert.Contains("a 64-digit 'sha256' (entry 1)", error.Message, StringComparison.Ordinal);
    }

    private static DevFileError SingleError(string text)
    {
        var failure = Assert.Throws<DevFileException>(() => PluginLock.Parse(text, LockPath));
        return Assert.Single(failure.Errors);
    }
}
