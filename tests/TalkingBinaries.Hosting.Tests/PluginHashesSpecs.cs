using System.Runtime.Versioning;
using TalkingBinaries.Hosting.Integrity;

namespace TalkingBinaries.Hosting.Tests;

[UnsupportedOSPlatform("windows")]
public sealed class PluginHashesSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-hashes-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(4096)]
    [InlineData(1_000_003)]
    public void A_file_hashes_to_what_sha256sum_prints_for_it(int length)
    {
        var file = Write("plugin", Random(length, seed: length));

        var hash = new PluginHashes(cacheFile: null).HashFile(file);

        Assert.Equal(ShellCommand.Sha256Sum(file), hash);
        Assert.Matches("^[0-9a-f]{64}$", hash);
    }

    [Fact]
    public void A_relative_path_is_hashed_as_the_file_it_names()
    {
        var file = Write("plugin", "#!/bin/sh\n"u8.ToArray());

        var hash = new PluginHashes(cacheFile: null).HashFile(Path.GetRelativePath(Environment.CurrentDirectory, file));

        Assert.Equal(ShellCommand.Sha256Sum(file), hash);
    }

    [Fact]
    public void A_missing_file_cannot_be_hashed()
    {
        Assert.ThrowsAny<IOException>(() => new PluginHashes(cacheFile: null).HashFile(Dir("nope")));
    }

    [Fact]
    public void A_tree_hashes_to_what_the_documented_shell_pipeline_prints_for_it()
    {
        Write("tree/b.txt", "bee\n"u8.ToArray());
        Write("tree/a.txt", "ay\n"u8.ToArray());
        Write("tree/A.txt", "upper\n"u8.ToArray());
        Write("tree/lib/nested/deep.dll", Random(70_000, seed: 1));
        Write("tree/lib/z", []);
        Write("tree/with space/and-dash", "x"u8.ToArray());
        Write("tree/.hidden", "dot"u8.ToArray());
        Directory.CreateDirectory(Dir("tree/empty"));

        var hash = new PluginHashes(cacheFile: null).HashTree(Dir("tree"));

        Assert.Equal(ShellCommand.TreeSum(Dir("tree")), hash);
    }

    [Fact]
    public void A_tree_orders_its_paths_by_their_bytes_as_LC_ALL_C_sort_does()
    {
        // In UTF-16 the surrogates of U+1F600 sort before U+FF61; in UTF-8, as sort sees the names, they sort after it.
        Write("tree/\uff61", "halfwidth"u8.ToArray());
        Write("tree/\U0001F600", "emoji"u8.ToArray());
        Write("tree/\u00e9", "e acute"u8.ToArray());
        Write("tree/z", "zed"u8.ToArray());

        var hash = new PluginHashes(cacheFile: null).HashTree(Dir("tree"));

        Assert.Equal(ShellCommand.TreeSum(Dir("tree")), hash);
    }

    [Fact]
    public void A_tree_with_a_backslash_in_a_file_name_hashes_as_sha256sum_escapes_it()
    {
        Write("tree/back\\slash", "escaped by sha256sum"u8.ToArray());
        Write("tree/plain", "not escaped"u8.ToArray());

        var hash = new PluginHashes(cacheFile: null).HashTree(Dir("tree"));

        Assert.Equal(ShellCommand.TreeSum(Dir("tree")), hash);
    }

    [Fact]
    public void An_empty_tree_hashes_as_the_empty_listing()
    {
        Directory.CreateDirectory(Dir("tree/only-directories/inside"));

        var hash = new PluginHashes(cacheFile: null).HashTree(Dir("tree"));

        Assert.Equal(ShellCommand.TreeSum(Dir("tree")), hash);
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", hash);
    }

    [Fact]
    public void Ignored_top_level_entries_are_left_out_of_a_tree_but_the_same_names_deeper_down_are_not()
    {
        Write("tree/lib/index.js", "code"u8.ToArray());
        Write("tree/lib/.bin/kept", "deeper, so content"u8.ToArray());
        var hashes = new PluginHashes(cacheFile: null);
        var without = hashes.HashTree(Dir("tree"));
        Write("tree/.bin/tool", "bookkeeping"u8.ToArray());
        Write("tree/.package-lock.json", "{}"u8.ToArray());

        var ignoring = hashes.HashTree(Dir("tree"), [".bin", ".package-lock.json"]);

        Assert.Equal(without, ignoring);
        Assert.NotEqual(without, hashes.HashTree(Dir("tree")));
    }

    [Fact]
    public void Symlinks_to_files_and_directories_are_left_out_of_a_tree_as_find_type_f_leaves_them_out()
    {
        Write("tree/real.js", "real"u8.ToArray());
        Write("outside/secret", "elsewhere"u8.ToArray());
        var hashes = new PluginHashes(cacheFile: null);
        var before = hashes.HashTree(Dir("tree"));
        File.CreateSymbolicLink(Dir("tree/link.js"), Dir("tree/real.js"));
        File.CreateSymbolicLink(Dir("tree/outside-file"), Dir("outside/secret"));
        Directory.CreateSymbolicLink(Dir("tree/outside-dir"), Dir("outside"));
        File.CreateSymbolicLink(Dir("tree/dangling"), Dir("gone"));

        var after = hashes.HashTree(Dir("tree"));

        Assert.Equal(before, after);
        Assert.Equal(ShellCommand.TreeSum(Dir("tree")), after);
    }

    [Fact]
    public void Any_change_to_a_file_in_a_tree_changes_its_hash()
    {
        Write("tree/a.js", "one"u8.ToArray());
        Write("tree/sub/b.js", "two"u8.ToArray());
        var hashes = new PluginHashes(cacheFile: null);
        var original = hashes.HashTree(Dir("tree"));

        File.AppendAllText(Dir("tree/sub/b.js"), "!");
        var changed = hashes.HashTree(Dir("tree"));
        File.Move(Dir("tree/a.js"), Dir("tree/c.js"));
        var renamed = hashes.HashTree(Dir("tree"));

        Assert.Equal(3, new[] { original, changed, renamed }.Distinct().Count());
        Assert.Equal(ShellCommand.TreeSum(Dir("tree")), renamed);
    }

    [Fact]
    public void The_cache_trusts_a_file_whose_size_and_modification_time_are_unchanged()
    {
        // The cache's contract: a file is hashed again only when its size or modification time changed. A rewrite that
        // keeps both (here, by restoring the old time) keeps the old hash; a new PluginHashes without the cache sees it.
        var file = Write("plugin", "original"u8.ToArray());
        var cacheFile = Dir("cache/hashes.tsv");
        var hashes = new PluginHashes(cacheFile);
        var original = hashes.HashFile(file);
        var time = File.GetLastWriteTimeUtc(file);

        File.WriteAllBytes(file, "replaced"u8.ToArray());
        File.SetLastWriteTimeUtc(file, time);

        Assert.Equal(original, hashes.HashFile(file));
        Assert.Equal(ShellCommand.Sha256Sum(file), new PluginHashes(cacheFile: null).HashFile(file));
        Assert.NotEqual(original, ShellCommand.Sha256Sum(file));
    }

    [Fact]
    public void The_cache_hashes_a_file_again_when_its_size_changed()
    {
        var file = Write("plugin", "original"u8.ToArray());
        var hashes = new PluginHashes(Dir("cache/hashes.tsv"));
        hashes.HashFile(file);
        var time = File.GetLastWriteTimeUtc(file);

        File.WriteAllBytes(file, "original, and longer"u8.ToArray());
        File.SetLastWriteTimeUtc(file, time);

        Assert.Equal(ShellCommand.Sha256Sum(file), hashes.HashFile(file));
    }

    [Fact]
    public void The_cache_hashes_a_file_again_when_its_modification_time_changed()
    {
        var file = Write("plugin", "original"u8.ToArray());
        var hashes = new PluginHashes(Dir("cache/hashes.tsv"));
        hashes.HashFile(file);
        var time = File.GetLastWriteTimeUtc(file);

        File.WriteAllBytes(file, "replaced"u8.ToArray());
        File.SetLastWriteTimeUtc(file, time.AddTicks(1));

        Assert.Equal(ShellCommand.Sha256Sum(file), hashes.HashFile(file));
    }

    [Fact]
    public void Saved_hashes_are_reused_by_the_next_hasher_on_the_same_cache_file()
    {
        var file = Write("plugin", "original"u8.ToArray());
        Write("tree/a", "a"u8.ToArray());
        var cacheFile = Dir("cache/dir/hashes.tsv");
        var first = new PluginHashes(cacheFile);
        var hash = first.HashFile(file);
        var tree = first.HashTree(Dir("tree"));
        first.Save();
        var time = File.GetLastWriteTimeUtc(file);
        File.WriteAllBytes(file, "replaced"u8.ToArray());
        File.SetLastWriteTimeUtc(file, time);

        var second = new PluginHashes(cacheFile);

        // Only a hash taken from the cache can still be the old one.
        Assert.Equal(hash, second.HashFile(file));
        Assert.Equal(tree, second.HashTree(Dir("tree")));
        Assert.Equal(2, File.ReadAllLines(cacheFile).Length);
        Assert.Empty(Directory.GetFiles(Dir("cache/dir"), "*.tmp"));
    }

    [Fact]
    public void Saving_drops_the_hashes_of_files_that_are_gone_so_the_cache_does_not_grow_without_end()
    {
        var kept = Write("kept", "kept"u8.ToArray());
        var gone = Write("gone", "gone"u8.ToArray());
        var cacheFile = Dir("cache/hashes.tsv");
        var first = new PluginHashes(cacheFile);
        first.HashFile(kept);
        first.HashFile(gone);
        first.Save();
        File.Delete(gone);

        var second = new PluginHashes(cacheFile);
        second.HashFile(Write("new", "new"u8.ToArray()));
        second.Save();

        var paths = File.ReadAllLines(cacheFile).Select(line => line.Split('\t')[3]).ToList();
        Assert.Equal([Dir("kept"), Dir("new")], paths);
    }

    [Fact]
    public void Saving_with_nothing_hashed_writes_no_cache_file()
    {
        var cacheFile = Dir("cache/hashes.tsv");

        new PluginHashes(cacheFile).Save();
        new PluginHashes(cacheFile: null).Save();

        Assert.False(File.Exists(cacheFile));
    }

    [Fact]
    public void A_cache_file_that_cannot_be_written_is_skipped()
    {
        var file = Write("plugin", "original"u8.ToArray());

        // A regular file where the cache's directory should be: creating it fails, even for root.
        Write("not-a-directory", "x"u8.ToArray());
        var hashes = new PluginHashes(Dir("not-a-directory/hashes.tsv"));

        var hash = hashes.HashFile(file);
        hashes.Save();

        Assert.Equal(ShellCommand.Sha256Sum(file), hash);
        Assert.Equal("x", File.ReadAllText(Dir("not-a-directory")));
    }

    [Fact]
    public void A_cache_file_that_is_a_directory_is_read_as_no_cache()
    {
        var file = Write("plugin", "original"u8.ToArray());
        Directory.CreateDirectory(Dir("cache/hashes.tsv"));
        var hashes = new PluginHashes(Dir("cache/hashes.tsv"));

        var hash = hashes.HashFile(file);
        hashes.Save();

        Assert.Equal(ShellCommand.Sha256Sum(file), hash);
    }

    [Fact]
    public void A_corrupt_cache_file_is_read_as_no_cache_and_then_replaced()
    {
        var file = Write("plugin", "original"u8.ToArray());
        var info = new FileInfo(file);
        var cacheFile = Dir("cache/hashes.tsv");
        var forged = new string('z', 64);
        Write(
            "cache/hashes.tsv",
            [
                .. "garbage\n\0\xff\t\t\t\n"u8.ToArray(),
                .. System.Text.Encoding.UTF8.GetBytes($"{forged}\t{info.Length}\t{info.LastWriteTimeUtc.Ticks}\t{file}\n"),
                .. System.Text.Encoding.UTF8.GetBytes($"{new string('a', 64)}\t-1\tnot-a-time\t{file}\n"),
                0xfe,
                0xff,
            ]);
        var hashes = new PluginHashes(cacheFile);

        var hash = hashes.HashFile(file);
        hashes.Save();

        Assert.Equal(ShellCommand.Sha256Sum(file), hash);
        Assert.Equal($"{hash}\t{info.Length}\t{info.LastWriteTimeUtc.Ticks}\t{file}", Assert.Single(File.ReadAllLines(cacheFile)));
    }

    [Fact]
    public void Hashing_from_many_threads_at_once_gives_each_file_its_own_hash()
    {
        var files = Enumerable.Range(0, 40).Select(i => Write($"tree/f{i}", Random(10_000 + i, seed: i))).ToList();
        var hashes = new PluginHashes(Dir("cache/hashes.tsv"));

        var parallel = files.AsParallel().WithDegreeOfParallelism(4).Select(file => (file, hash: hashes.HashFile(file))).ToList();
        hashes.Save();

        var expected = new PluginHashes(cacheFile: null);
        Assert.All(parallel, pair => Assert.Equal(expected.HashFile(pair.file), pair.hash));
        Assert.Equal(40, File.ReadAllLines(Dir("cache/hashes.tsv")).Length);
    }

    private string Dir(string relative) => Path.Combine(_directory.FullName, relative);

    private string Write(string relative, byte[] content)
    {
        var path = Dir(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static byte[] Random(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
