using System.Runtime.Versioning;
using System.Security.Cryptography;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Plugins;

namespace TalkingBinaries.Workflow.Tests;

// Every locator here searches only temporary directories, never the real PATH.
[UnsupportedOSPlatform("windows")]
public sealed class PluginInventorySpecs : IDisposable
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;
    private const UnixFileMode NotExecutable = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-inventory-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void Each_plugin_is_listed_with_how_it_stands_against_its_pins()
    {
        var matches = CreateFile("project/tools/matches", Executable);
        var mismatch = CreateFile("project/tools/mismatch", Executable);
        var locked = CreateFile("project/tools/locked", Executable);
        CreateFile("project/tools/unlocked", Executable);
        var devFile = DevFile(
            $"  - ref: matches\n    path: tools/matches\n    sha256: {Sha256(matches)}\n"
            + $"  - ref: mismatch\n    path: tools/mismatch\n    sha256: {new string('0', 64)}\n"
            + "  - ref: locked\n    path: tools/locked\n"
            + "  - ref: unlocked\n    path: tools/unlocked\n"
            + "  - ref: resourced\n    path: tools/locked\n");
        var lockFile = new PluginLock(
            PluginLock.PathFor(devFile.Path),
            [
                new PluginLockEntry("locked", "path:tools/locked", "path", null, "tools/locked", Sha256(locked)),
                new PluginLockEntry("resourced", "npm:tb-x@1.0.0", "package", "1.0.0", "x", Sha256(locked)),
            ]);

        var inventory = PluginInventory.Take(devFile, Locator(), lockFile, new PluginHashes(cacheFile: null));

        Assert.Equal(
            [
                ("matches", PluginLockStatus.NotLocked, Sha256(matches), (string?)null),
                ("mismatch", PluginLockStatus.Mismatch, Sha256(mismatch), null),
                ("locked", PluginLockStatus.Matches, Sha256(locked), Sha256(locked)),
                ("unlocked", PluginLockStatus.NotLocked, Sha256(Dir("project/tools/unlocked")), null),
                ("resourced", PluginLockStatus.NotLocked, Sha256(locked), null),
            ],
            inventory.Plugins.Select(listing => (listing.Definition.Ref, listing.LockStatus, listing.Sha256, listing.LockedSha256)));
        Assert.All(inventory.Plugins, listing =>
        {
            Assert.Null(listing.Problem);
            Assert.Equal("path", listing.FoundBy);
            Assert.Equal(PluginFoundBy.Path, listing.Located?.FoundBy);
        });
        Assert.Empty(inventory.Warnings);
    }

    [Fact]
    public void Without_a_lock_a_plugin_that_matches_its_sha256_matches()
    {
        var plugin = CreateFile("project/tools/a", Executable);
        var devFile = DevFile($"  - ref: a\n    path: tools/a\n    sha256: {Sha256(plugin)}\n");

        var listing = Assert.Single(PluginInventory.Take(devFile, Locator(), lockFile: null, new PluginHashes(cacheFile: null)).Plugins);

        Assert.Equal(PluginLockStatus.Matches, listing.LockStatus);
        Assert.Null(listing.LockedSha256);
    }

    [Fact]
    public void Without_a_lock_or_a_sha256_a_plugin_is_not_pinned()
    {
        var plugin = CreateFile("project/tools/a", Executable);
        var devFile = DevFile("  - ref: a\n    path: tools/a\n");

        var listing = Assert.Single(PluginInventory.Take(devFile, Locator(), lockFile: null, new PluginHashes(cacheFile: null)).Plugins);

        Assert.Equal(PluginLockStatus.NotPinned, listing.LockStatus);
        Assert.Equal(Sha256(plugin), listing.Sha256);
        Assert.Equal("path:tools/a", listing.DeclaredSource);
        Assert.Equal(plugin, listing.Located?.ExecutablePath);
    }

    [Fact]
    public void A_plugin_that_is_not_found_is_listed_with_its_problem_and_the_rest_still_are()
    {
        CreateFile("project/tools/a", Executable);
        var devFile = DevFile("  - ref: ghost\n    path: tools/ghost\n  - ref: a\n    path: tools/a\n");

        var inventory = PluginInventory.Take(devFile, Locator(), lockFile: null, new PluginHashes(cacheFile: null));

        var ghost = inventory.Plugins[0];
        Assert.Equal($"not found: {Dir("project/tools/ghost")} (no such file)", ghost.Problem);
        Assert.Null(ghost.Located);
        Assert.Null(ghost.FoundBy);
        Assert.Null(ghost.Sha256);
        Assert.Equal("a", inventory.Plugins[1].Definition.Ref);
        Assert.NotNull(inventory.Plugins[1].Sha256);
    }

    [Fact]
    public void A_plugin_from_a_package_that_is_not_installed_is_listed_with_its_problem()
    {
        var devFile = DevFile("  - ref: lint\n    source: npm:tb-lint@1.0.0\n");
        var locator = new PluginLocator(PathOf("bin"), bundledDirectory: null, new Hosting.Packages.PackageCache(Dir("cache")));

        var listing = Assert.Single(PluginInventory.Take(devFile, locator, lockFile: null, new PluginHashes(cacheFile: null)).Plugins);

        Assert.Equal("npm:tb-lint@1.0.0", listing.DeclaredSource);
        Assert.StartsWith("not found: npm:tb-lint@1.0.0 (not installed in ", listing.Problem, StringComparison.Ordinal);
        Assert.Contains("'tb plugins install'", listing.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void A_plugin_found_on_PATH_that_shadows_another_of_its_name_is_warned_about()
    {
        var first = CreateFile("bin1/tb-x", Executable);
        var second = CreateFile("bin2/tb-x", Executable);
        var devFile = DevFile("  - ref: x\n");

        var inventory = PluginInventory.Take(devFile, Locator(), lockFile: null, new PluginHashes(cacheFile: null));

        Assert.Equal(first, inventory.Plugins[0].Located?.ExecutablePath);
        Assert.Equal("path-convention", inventory.Plugins[0].FoundBy);
        Assert.Equal([$"plugin 'x': {first} shadows {second} (same name, later on PATH); the first one runs"], inventory.Warnings);
    }

    [Fact]
    public void A_bare_name_found_on_PATH_that_shadows_another_is_warned_about()
    {
        var first = CreateFile("bin1/my-lint", Executable);
        var second = CreateFile("bin2/my-lint", Executable);
        var devFile = DevFile("  - ref: lint\n    name: my-lint\n");

        var inventory = PluginInventory.Take(devFile, Locator(), lockFile: null, new PluginHashes(cacheFile: null));

        Assert.Equal("path-search", inventory.Plugins[0].FoundBy);
        Assert.Equal([$"plugin 'lint': {first} shadows {second} (same name, later on PATH); the first one runs"], inventory.Warnings);
    }

    [Fact]
    public void A_file_on_PATH_named_like_a_plugin_but_not_executable_is_warned_about()
    {
        var skipped = CreateFile("bin1/tb-y", NotExecutable);
        var used = CreateFile("bin2/tb-y", Executable);
        var devFile = DevFile("  - ref: y\n");

        var inventory = PluginInventory.Take(devFile, Locator(), lockFile: null, new PluginHashes(cacheFile: null));

        Assert.Equal(used, inventory.Plugins[0].Located?.ExecutablePath);
        Assert.Equal([$"plugin 'y': {skipped} is named like it but is not executable (chmod +x it, or remove it)"], inventory.Warnings);
    }

    [Fact]
    public void An_undeclared_tb_executable_on_PATH_is_warned_about_with_how_to_declare_it()
    {
        CreateFile("bin1/tb-x", Executable);
        var undeclared = CreateFile("bin2/tb-z", Executable);
        CreateFile("bin2/not-a-plugin", Executable);
        var devFile = DevFile("  - ref: x\n");

        var inventory = PluginInventory.Take(devFile, Locator(), lockFile: null, new PluginHashes(cacheFile: null));

        Assert.Equal([$"{undeclared} is on PATH but not declared in {devFile.Path}; add '- ref: z' under 'plugins:' to use it"], inventory.Warnings);
    }

    [Fact]
    public void A_tb_executable_on_PATH_for_a_plugin_declared_another_way_is_not_called_undeclared()
    {
        CreateFile("project/tools/x", Executable);
        CreateFile("bundled/plugin-echo", Executable);
        CreateFile("bin1/tb-x", Executable);
        CreateFile("bin1/tb-echo", Executable);
        var devFile = DevFile("  - ref: x\n    path: tools/x\n  - ref: echo\n");
        var locator = new PluginLocator(PathOf("bin1", "bin2"), Dir("bundled"));

        var inventory = PluginInventory.Take(devFile, locator, lockFile: null, new PluginHashes(cacheFile: null));

        Assert.Equal(["path", "bundled"], inventory.Plugins.Select(listing => listing.FoundBy));
        Assert.DoesNotContain(inventory.Warnings, warning => warning.Contains("not declared", StringComparison.Ordinal));
    }

    [Fact]
    public void Taking_an_inventory_of_a_plugin_that_does_not_match_lists_it_and_does_not_throw()
    {
        CreateFile("project/tools/a", Executable);
        var devFile = DevFile($"  - ref: a\n    path: tools/a\n    sha256: {new string('f', 64)}\n");

        var inventory = PluginInventory.Take(devFile, Locator(), lockFile: null, new PluginHashes(cacheFile: null));

        Assert.Equal(PluginLockStatus.Mismatch, Assert.Single(inventory.Plugins).LockStatus);
    }

    private DevFile DevFile(string plugins)
    {
        Directory.CreateDirectory(Dir("project"));
        return DevFileLoader.Parse($"plugins:\n{plugins}steps:\n  - name: first\n    plugin: {plugins.Split("ref: ")[1].Split('\n')[0]}\n", Path.Combine(Dir("project"), "DevFile"));
    }

    private PluginLocator Locator() => new(PathOf("bin1", "bin2"), bundledDirectory: null);

    private string Dir(string relative) => Path.Combine(_directory.FullName, relative);

    private string PathOf(params string[] directories) => string.Join(Path.PathSeparator, directories.Select(Dir));

    private string CreateFile(string relative, UnixFileMode mode)
    {
        var path = Dir(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $"#!/bin/sh\n# {relative}\nexit 0\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
}
