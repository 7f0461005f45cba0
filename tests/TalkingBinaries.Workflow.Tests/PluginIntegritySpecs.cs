using System.Runtime.Versioning;
using System.Security.Cryptography;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Plugins;

namespace TalkingBinaries.Workflow.Tests;

[UnsupportedOSPlatform("windows")]
public sealed class PluginIntegritySpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-integrity-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Plugins_that_match_their_lock_file_pass_even_when_frozen()
    {
        CreatePlugin("project/tools/tb-a");
        CreatePlugin("outside/tb-b");
        var devFile = DevFile($"  - ref: a\n    path: tools/tb-a\n  - ref: b\n    path: {Dir("outside/tb-b")}\n");
        var plugins = Resolve(devFile);
        var lockFile = PluginIntegrity.CreateLock(devFile, plugins, new PluginHashes(cacheFile: null));

        var warnings = PluginIntegrity.Verify(devFile, plugins, lockFile, frozen: true, new PluginHashes(cacheFile: null));

        Assert.Empty(warnings);
    }

    [Fact]
    public void A_plugin_changed_since_it_was_locked_is_an_error_naming_it_with_both_hashes_and_what_to_do()
    {
        var plugin = CreatePlugin("project/tools/tb-a");
        var devFile = DevFile("  - ref: a\n    path: tools/tb-a\n");
        var plugins = Resolve(devFile);
        var lockFile = PluginIntegrity.CreateLock(devFile, plugins, new PluginHashes(cacheFile: null));
        var expected = Sha256(plugin);
        File.AppendAllText(plugin, "#");

        var failure = Assert.Throws<DevFileException>(() => PluginIntegrity.Verify(devFile, plugins, lockFile, frozen: false, new PluginHashes(cacheFile: null)));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(devFile.Plugin("a").Location, error.Location);
        Assert.Equal(
            $"plugin 'a' ({plugin}) does not match {lockFile.Path}: expected sha256 {expected}, found {Sha256(plugin)}. "
            + "It was changed or replaced: if you trust it, run 'tb lock' to pin it; otherwise restore the file you expected",
            error.Message);
    }

    [Fact]
    public void A_sha256_key_is_checked_without_a_lock_file()
    {
        var plugin = CreatePlugin("project/tools/tb-a");
        var good = DevFile($"  - ref: a\n    path: tools/tb-a\n    sha256: {Sha256(plugin).ToUpperInvariant()}\n");
        var bad = DevFile($"  - ref: a\n    path: tools/tb-a\n    sha256: {new string('0', 64)}\n");

        var warnings = PluginIntegrity.Verify(good, Resolve(good), lockFile: null, frozen: false, new PluginHashes(cacheFile: null));
        var failure = Assert.Throws<DevFileException>(() => PluginIntegrity.Verify(bad, Resolve(bad), lockFile: null, frozen: false, new PluginHashes(cacheFile: null)));

        Assert.Empty(warnings);
        var error = Assert.Single(failure.Errors);
        Assert.Equal(bad.Plugin("a").Location, error.Location);
        Assert.Equal(
            $"plugin 'a' ({plugin}) does not match its 'sha256:' in the DevFile: expected sha256 {new string('0', 64)}, found {Sha256(plugin)}. "
            + "It was changed or replaced: if you trust it, put its hash in 'sha256:'; otherwise restore the file you expected",
            error.Message);
    }

    [Fact]
    public void A_plugin_that_matches_neither_its_sha256_nor_its_lock_has_an_error_for_each()
    {
        CreatePlugin("project/tools/tb-a");
        var devFile = DevFile($"  - ref: a\n    path: tools/tb-a\n    sha256: {new string('0', 64)}\n");
        var lockFile = new PluginLock(PluginLock.PathFor(devFile.Path), [new PluginLockEntry("a", "path:tools/tb-a", "path", null, "tools/tb-a", new string('1', 64))]);

        var failure = Assert.Throws<DevFileException>(() => PluginIntegrity.Verify(devFile, Resolve(devFile), lockFile, frozen: false, new PluginHashes(cacheFile: null)));

        Assert.Equal(2, failure.Errors.Count);
        Assert.Contains("does not match its 'sha256:' in the DevFile", failure.Errors[0].Message, StringComparison.Ordinal);
        Assert.Contains($"does not match {lockFile.Path}", failure.Errors[1].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lock_that_pins_another_source_for_a_plugin_is_an_error_saying_to_lock_again()
    {
        var plugin = CreatePlugin("project/tools/tb-a");
        var devFile = DevFile("  - ref: a\n    path: tools/tb-a\n");
        var lockFile = new PluginLock(PluginLock.PathFor(devFile.Path), [new PluginLockEntry("a", "npm:tb-a@1.0.0", "package", "1.0.0", "node_modules/.bin/tb-a", Sha256(plugin))]);

        var failure = Assert.Throws<DevFileException>(() => PluginIntegrity.Verify(devFile, Resolve(devFile), lockFile, frozen: false, new PluginHashes(cacheFile: null)));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(devFile.Plugin("a").Location, error.Location);
        Assert.Equal($"{lockFile.Path} pins plugin 'a' to npm:tb-a@1.0.0, but the DevFile says path:tools/tb-a; run 'tb lock' to pin it anew", error.Message);
    }

    [Fact]
    public void A_plugin_the_lock_does_not_pin_is_a_warning_or_with_frozen_an_error()
    {
        CreatePlugin("project/tools/tb-a");
        CreatePlugin("project/tools/tb-b");
        var before = DevFile("  - ref: a\n    path: tools/tb-a\n");
        var lockFile = PluginIntegrity.CreateLock(before, Resolve(before), new PluginHashes(cacheFile: null));
        var devFile = DevFile("  - ref: a\n    path: tools/tb-a\n  - ref: b\n    path: tools/tb-b\n");
        var plugins = Resolve(devFile);

        var warnings = PluginIntegrity.Verify(devFile, plugins, lockFile, frozen: false, new PluginHashes(cacheFile: null));
        var failure = Assert.Throws<DevFileException>(() => PluginIntegrity.Verify(devFile, plugins, lockFile, frozen: true, new PluginHashes(cacheFile: null)));

        Assert.Equal([$"{devFile.Plugin("b").Location}: {lockFile.Path} does not pin plugin 'b'; run 'tb lock' to pin it"], warnings);
        var error = Assert.Single(failure.Errors);
        Assert.Equal(devFile.Plugin("b").Location, error.Location);
        Assert.Equal($"{lockFile.Path} does not pin plugin 'b'; --frozen runs only what the lock file pins: run 'tb lock' and commit it", error.Message);
    }

    [Fact]
    public void A_lock_entry_for_a_plugin_no_longer_declared_is_a_warning_or_with_frozen_an_error()
    {
        CreatePlugin("project/tools/tb-a");
        CreatePlugin("project/tools/tb-gone");
        var before = DevFile("  - ref: a\n    path: tools/tb-a\n  - ref: gone\n    path: tools/tb-gone\n");
        var lockFile = PluginIntegrity.CreateLock(before, Resolve(before), new PluginHashes(cacheFile: null));
        var devFile = DevFile("  - ref: a\n    path: tools/tb-a\n");
        var plugins = Resolve(devFile);

        var warnings = PluginIntegrity.Verify(devFile, plugins, lockFile, frozen: false, new PluginHashes(cacheFile: null));
        var failure = Assert.Throws<DevFileException>(() => PluginIntegrity.Verify(devFile, plugins, lockFile, frozen: true, new PluginHashes(cacheFile: null)));

        Assert.Equal([$"{lockFile.Path}:1:1: {lockFile.Path} pins plugin 'gone', which the DevFile no longer declares; run 'tb lock' to pin it"], warnings);
        var error = Assert.Single(failure.Errors);
        Assert.Equal(new SourceLocation(lockFile.Path, 1, 1), error.Location);
        Assert.StartsWith($"{lockFile.Path} pins plugin 'gone', which the DevFile no longer declares; --frozen", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Frozen_without_a_lock_file_is_an_error_saying_to_create_one()
    {
        CreatePlugin("project/tools/tb-a");
        var devFile = DevFile("  - ref: a\n    path: tools/tb-a\n");

        var failure = Assert.Throws<DevFileException>(() => PluginIntegrity.Verify(devFile, Resolve(devFile), lockFile: null, frozen: true, new PluginHashes(cacheFile: null)));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(new SourceLocation(devFile.Path, 1, 1), error.Location);
        Assert.Equal($"--frozen needs the lock file {devFile.Path}.lock, and there is none; run 'tb lock' and commit it", error.Message);
    }

    [Fact]
    public void Without_a_lock_or_a_sha256_nothing_is_checked_or_said()
    {
        var plugin = CreatePlugin("project/tools/tb-a");
        var devFile = DevFile("  - ref: a\n    path: tools/tb-a\n");
        var plugins = Resolve(devFile);
        File.Delete(plugin);

        var warnings = PluginIntegrity.Verify(devFile, plugins, lockFile: null, frozen: false, new PluginHashes(cacheFile: null));

        Assert.Empty(warnings);
    }

    [Fact]
    public void A_pinned_plugin_that_cannot_be_read_is_an_error_naming_it()
    {
        var plugin = CreatePlugin("project/tools/tb-a");
        var devFile = DevFile($"  - ref: a\n    path: tools/tb-a\n    sha256: {Sha256(plugin)}\n");
        var plugins = Resolve(devFile);
        File.Delete(plugin);

        var failure = Assert.Throws<DevFileException>(() => PluginIntegrity.Verify(devFile, plugins, lockFile: null, frozen: false, new PluginHashes(cacheFile: null)));

        Assert.StartsWith($"plugin 'a' ({plugin}) cannot be read to check its hash: ", Assert.Single(failure.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_lock_records_executables_inside_the_DevFiles_directory_relative_to_it_and_others_absolute()
    {
        var inside = CreatePlugin("project/tools/tb-a");
        var dotted = CreatePlugin("project/..hidden/tb-c");
        var outside = CreatePlugin("outside/tb-b");
        var conventional = CreatePlugin("bin/tb-d");
        var devFile = DevFile($"  - ref: a\n    path: tools/tb-a\n  - ref: b\n    path: ../outside/tb-b\n  - ref: c\n    name: ./..hidden/tb-c\n  - ref: d\n");
        var plugins = PluginResolver.Resolve(devFile, new PluginLocator(Dir("bin"), bundledDirectory: null));

        var lockFile = PluginIntegrity.CreateLock(devFile, plugins, new PluginHashes(cacheFile: null));

        Assert.Equal(Path.Combine(Dir("project"), "DevFile.lock"), lockFile.Path);
        Assert.Equal(
            [
                new PluginLockEntry("a", "path:tools/tb-a", "path", null, "tools/tb-a", Sha256(inside)),
                new PluginLockEntry("b", "path:../outside/tb-b", "path", null, outside, Sha256(outside)),
                new PluginLockEntry("c", "name:./..hidden/tb-c", "name", null, "..hidden/tb-c", Sha256(dotted)),
                new PluginLockEntry("d", "ref:d", "path-convention", null, conventional, Sha256(conventional)),
            ],
            lockFile.Plugins);
    }

    [Fact]
    public void A_lock_written_and_loaded_again_still_matches()
    {
        CreatePlugin("project/tools/tb-a");
        var devFile = DevFile("  - ref: a\n    path: tools/tb-a\n");
        var plugins = Resolve(devFile);
        PluginIntegrity.CreateLock(devFile, plugins, new PluginHashes(cacheFile: null)).Write();

        var loaded = PluginLock.Load(PluginLock.PathFor(devFile.Path));

        Assert.NotNull(loaded);
        Assert.Empty(PluginIntegrity.Verify(devFile, plugins, loaded, frozen: true, new PluginHashes(cacheFile: null)));
    }

    private DevFile DevFile(string plugins)
    {
        var path = Path.Combine(Dir("project"), "DevFile");
        Directory.CreateDirectory(Dir("project"));
        return DevFileLoader.Parse($"plugins:\n{plugins}steps:\n  - name: first\n    plugin: a\n", path);
    }

    private static IReadOnlyList<ResolvedPlugin> Resolve(DevFile devFile) =>
        PluginResolver.Resolve(devFile, new PluginLocator(searchPath: string.Empty, bundledDirectory: null));

    private string Dir(string relative) => Path.Combine(_directory.FullName, relative);

    private string CreatePlugin(string relative)
    {
        var path = Dir(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"#!/bin/sh\n# {relative}\nexit 0\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return path;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
