using System.Runtime.Versioning;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Hosting.Packages;

namespace TalkingBinaries.Hosting.Tests;

// Executable bits are what the locator checks; they exist only on Unix.
[UnsupportedOSPlatform("windows")]
public sealed class PluginLocatorSpecs : IDisposable
{
    private const UnixFileMode Executable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
        | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    private const UnixFileMode NotExecutable = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-locator-");

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void An_explicit_absolute_path_is_used_as_is()
    {
        var plugin = CreateFile("elsewhere/my-plugin", Executable);
        var locator = new PluginLocator(searchPath: null, bundledDirectory: null);

        var found = locator.Locate(new PluginReference("mine", Name: null, Path: plugin, BaseDirectory: Dir("project")));

        Assert.Equal(plugin, found);
    }

    [Fact]
    public void An_explicit_relative_path_is_resolved_against_the_base_directory()
    {
        var plugin = CreateFile("project/tools/my-plugin", Executable);
        var locator = new PluginLocator(searchPath: null, bundledDirectory: null);

        var found = locator.Locate(new PluginReference("mine", Name: null, Path: "tools/../tools/my-plugin", BaseDirectory: Dir("project")));

        Assert.Equal(plugin, found);
    }

    [Fact]
    public void An_explicit_path_wins_over_name_bundled_plugin_and_PATH()
    {
        var explicitPlugin = CreateFile("explicit/echo", Executable);
        CreateFile("project/dist/plugin-echo", Executable);
        CreateFile("bundled/plugin-echo", Executable);
        CreateFile("bin/tb-echo", Executable);
        var locator = new PluginLocator(Dir("bin"), Dir("bundled"));

        var found = locator.Locate(new PluginReference("echo", Name: "dist/plugin-echo", Path: explicitPlugin, BaseDirectory: Dir("project")));

        Assert.Equal(explicitPlugin, found);
    }

    [Fact]
    public void An_explicit_path_that_does_not_exist_is_not_searched_for_elsewhere()
    {
        CreateFile("bundled/plugin-echo", Executable);
        var locator = new PluginLocator(Dir("bin"), Dir("bundled"));
        var missing = Path.Combine(Dir("project"), "nope", "echo");

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Locate(new PluginReference("echo", Name: null, Path: missing, BaseDirectory: Dir("project"))));

        Assert.Equal([$"{missing} (no such file)"], failure.Tried);
    }

    [Fact]
    public void A_name_with_a_slash_is_resolved_against_the_base_directory_not_the_current_directory()
    {
        var plugin = CreateFile("project/dist/plugin-echo", Executable);
        CreateFile("bin/plugin-echo", Executable);
        var locator = new PluginLocator(Dir("bin"), bundledDirectory: null);
        Assert.False(File.Exists(Path.Combine(Environment.CurrentDirectory, "dist", "plugin-echo")));

        var found = locator.Locate(new PluginReference("echo", Name: "dist/plugin-echo", Path: null, BaseDirectory: Dir("project")));

        Assert.Equal(plugin, found);
    }

    [Fact]
    public void A_dot_slash_name_is_a_path_in_the_base_directory_and_is_not_looked_up_on_PATH()
    {
        CreateFile("bin/my-plugin", Executable);
        var locator = new PluginLocator(Dir("bin"), bundledDirectory: null);

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Locate(new PluginReference("mine", Name: "./my-plugin", Path: null, BaseDirectory: Dir("project"))));

        Assert.Equal([$"{Path.Combine(Dir("project"), "my-plugin")} (no such file)"], failure.Tried);
    }

    [Fact]
    public void A_bare_name_is_found_on_PATH_and_the_first_match_wins()
    {
        Directory.CreateDirectory(Dir("empty"));
        var first = CreateFile("first/my-plugin", Executable);
        CreateFile("second/my-plugin", Executable);
        var locator = new PluginLocator(PathOf("missing-dir", "empty", "first", "second"), bundledDirectory: null);

        var found = locator.Locate(new PluginReference("mine", Name: "my-plugin", Path: null, BaseDirectory: Dir("project")));

        Assert.Equal(first, found);
    }

    [Fact]
    public void A_match_on_PATH_that_is_not_executable_or_is_a_directory_is_skipped()
    {
        CreateFile("first/my-plugin", NotExecutable);
        Directory.CreateDirectory(Path.Combine(Dir("second"), "my-plugin"));
        var third = CreateFile("third/my-plugin", Executable);
        var locator = new PluginLocator(PathOf("first", "second", "third"), bundledDirectory: null);

        var found = locator.Locate(new PluginReference("mine", Name: "my-plugin", Path: null, BaseDirectory: Dir("project")));

        Assert.Equal(third, found);
    }

    [Fact]
    public void A_bare_name_is_not_looked_for_in_the_base_directory()
    {
        CreateFile("project/my-plugin", Executable);
        var locator = new PluginLocator(PathOf("bin"), bundledDirectory: null);

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Locate(new PluginReference("mine", Name: "my-plugin", Path: null, BaseDirectory: Dir("project"))));

        var tried = Assert.Single(failure.Tried);
        Assert.StartsWith("'my-plugin' on PATH (", tried, StringComparison.Ordinal);
        Assert.DoesNotContain(Dir("project"), failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_entries_in_PATH_are_ignored()
    {
        var plugin = CreateFile("bin/my-plugin", Executable);
        var locator = new PluginLocator($"{Path.PathSeparator}{Dir("bin")}{Path.PathSeparator}{Path.PathSeparator}", bundledDirectory: null);

        var found = locator.Locate(new PluginReference("mine", Name: "my-plugin", Path: null, BaseDirectory: Dir("project")));

        Assert.Equal(plugin, found);
        Assert.Equal([Dir("bin")], locator.SearchDirectories);
    }

    [Fact]
    public void A_symlink_on_PATH_to_an_executable_is_found()
    {
        var target = CreateFile("real/my-plugin-1.2", Executable);
        Directory.CreateDirectory(Dir("bin"));
        var link = Path.Combine(Dir("bin"), "my-plugin");
        File.CreateSymbolicLink(link, target);
        var locator = new PluginLocator(PathOf("bin"), bundledDirectory: null);

        var found = locator.Locate(new PluginReference("mine", Name: "my-plugin", Path: null, BaseDirectory: Dir("project")));

        Assert.Equal(link, found);
    }

    [Fact]
    public void A_dangling_symlink_as_the_path_is_not_found_and_named_as_such()
    {
        Directory.CreateDirectory(Dir("project"));
        var link = Path.Combine(Dir("project"), "plugin");
        File.CreateSymbolicLink(link, Path.Combine(Dir("project"), "gone"));
        var locator = new PluginLocator(searchPath: null, bundledDirectory: null);

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Locate(new PluginReference("mine", Name: null, Path: link, BaseDirectory: Dir("project"))));

        Assert.Equal([$"{link} (dangling symlink)"], failure.Tried);
    }

    [Fact]
    public void A_symlink_loop_as_the_path_is_not_found_and_named_as_such()
    {
        Directory.CreateDirectory(Dir("project"));
        var first = Path.Combine(Dir("project"), "a");
        var second = Path.Combine(Dir("project"), "b");
        File.CreateSymbolicLink(first, second);
        File.CreateSymbolicLink(second, first);
        var locator = new PluginLocator(searchPath: null, bundledDirectory: null);

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Locate(new PluginReference("mine", Name: null, Path: first, BaseDirectory: Dir("project"))));

        Assert.Equal([$"{first} (symlink loop)"], failure.Tried);
    }

    [Fact]
    public void A_dangling_or_looping_symlink_on_PATH_is_skipped_for_a_real_plugin_further_on()
    {
        Directory.CreateDirectory(Dir("first"));
        Directory.CreateDirectory(Dir("second"));
        File.CreateSymbolicLink(Path.Combine(Dir("first"), "tb-echo"), Path.Combine(Dir("first"), "gone"));
        File.CreateSymbolicLink(Path.Combine(Dir("second"), "tb-echo"), Path.Combine(Dir("second"), "tb-echo"));
        var real = CreateFile("third/tb-echo", Executable);
        var locator = new PluginLocator(PathOf("first", "second", "third"), bundledDirectory: null);

        var found = locator.Locate(new PluginReference("echo", Name: null, Path: null, BaseDirectory: Dir("project")));

        Assert.Equal(real, found);
    }

    [Fact]
    public void A_dangling_bare_name_on_PATH_with_no_other_match_is_listed_as_dangling()
    {
        Directory.CreateDirectory(Dir("bin"));
        var link = Path.Combine(Dir("bin"), "my-plugin");
        File.CreateSymbolicLink(link, Path.Combine(Dir("bin"), "gone"));
        var locator = new PluginLocator(PathOf("bin"), bundledDirectory: null);

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Locate(new PluginReference("mine", Name: "my-plugin", Path: null, BaseDirectory: Dir("project"))));

        Assert.Equal($"{link} (dangling symlink)", failure.Tried[0]);
    }

    [Fact]
    public void With_neither_name_nor_path_the_bundled_plugin_is_used_before_PATH()
    {
        var bundled = CreateFile("bundled/plugin-echo", Executable);
        CreateFile("bin/tb-echo", Executable);
        var locator = new PluginLocator(PathOf("bin"), Dir("bundled"));

        var found = locator.Locate(new PluginReference("echo", Name: null, Path: null, BaseDirectory: Dir("project")));

        Assert.Equal(bundled, found);
    }

    [Fact]
    public void With_neither_name_nor_path_and_no_bundled_plugin_tb_ref_is_found_on_PATH()
    {
        Directory.CreateDirectory(Dir("bundled"));
        CreateFile("bin/echo", Executable);
        CreateFile("bin/plugin-echo", Executable);
        var conventional = CreateFile("bin/tb-echo", Executable);
        var locator = new PluginLocator(PathOf("bin"), Dir("bundled"));

        var found = locator.Locate(new PluginReference("echo", Name: null, Path: null, BaseDirectory: Dir("project")));

        Assert.Equal(conventional, found);
    }

    [Fact]
    public void With_no_bundled_directory_tb_ref_is_found_on_PATH()
    {
        var conventional = CreateFile("bin/tb-echo", Executable);
        var locator = new PluginLocator(PathOf("bin"), bundledDirectory: null);

        var found = locator.Locate(new PluginReference("echo", Name: null, Path: null, BaseDirectory: Dir("project")));

        Assert.Equal(conventional, found);
    }

    [Fact]
    public void A_bundled_plugin_that_is_not_executable_falls_back_to_PATH()
    {
        CreateFile("bundled/plugin-echo", NotExecutable);
        var conventional = CreateFile("bin/tb-echo", Executable);
        var locator = new PluginLocator(PathOf("bin"), Dir("bundled"));

        var found = locator.Locate(new PluginReference("echo", Name: null, Path: null, BaseDirectory: Dir("project")));

        Assert.Equal(conventional, found);
    }

    [Fact]
    public void A_plugin_found_nowhere_lists_every_place_tried_and_says_what_to_do()
    {
        CreateFile("first/tb-ghost", NotExecutable);
        Directory.CreateDirectory(Dir("second"));
        var reference = new PluginReference("ghost", Name: null, Path: null, BaseDirectory: Dir("project"));
        var locator = new PluginLocator(PathOf("first", "second"), Dir("bundled"));

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Locate(reference));

        string[] tried =
        [
            $"{Path.Combine(Dir("bundled"), "plugin-ghost")} (no such file)",
            $"{Path.Combine(Dir("first"), "tb-ghost")} (not executable: chmod +x it)",
            "'tb-ghost' on PATH (no executable of that name in its 2 directories)",
        ];
        Assert.Equal(tried, failure.Tried);
        Assert.Same(reference, failure.Reference);
        Assert.Equal(
            $"plugin 'ghost' not found; looked at: {string.Join("; ", tried)}. Fix its name or path, or put it on PATH.",
            failure.Message);
    }

    [Fact]
    public void An_empty_PATH_is_named_as_such()
    {
        var locator = new PluginLocator(searchPath: string.Empty, bundledDirectory: null);

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Locate(new PluginReference("ghost", Name: "ghost-plugin", Path: null, BaseDirectory: Dir("project"))));

        Assert.Equal(["'ghost-plugin' on PATH (PATH is empty)"], failure.Tried);
        Assert.Contains("plugin 'ghost' not found", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_given_as_the_plugin_is_refused_as_a_directory()
    {
        var directory = Directory.CreateDirectory(Path.Combine(Dir("project"), "dist", "plugin-echo")).FullName;
        var locator = new PluginLocator(searchPath: null, bundledDirectory: null);

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Locate(new PluginReference("echo", Name: "dist/plugin-echo", Path: null, BaseDirectory: Dir("project"))));

        Assert.Equal([$"{directory} (a directory, not an executable)"], failure.Tried);
        Assert.Contains($"{directory} (a directory, not an executable)", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_file_that_is_not_executable_is_refused_with_the_fix()
    {
        var plugin = CreateFile("project/my-plugin", NotExecutable);
        var locator = new PluginLocator(searchPath: null, bundledDirectory: null);

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Locate(new PluginReference("mine", Name: null, Path: plugin, BaseDirectory: Dir("project"))));

        Assert.Equal([$"{plugin} (not executable: chmod +x it)"], failure.Tried);
        Assert.Contains("not executable", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Each_rule_says_how_it_found_the_plugin()
    {
        var explicitPath = CreateFile("project/tools/explicit", Executable);
        CreateFile("project/dist/named", Executable);
        var onPath = CreateFile("bin/bare-name", Executable);
        var bundled = CreateFile("bundled/plugin-echo", Executable);
        var conventional = CreateFile("bin/tb-shell", Executable);
        var locator = new PluginLocator(PathOf("bin"), Dir("bundled"));

        LocatedPlugin Find(string reference, string? name = null, string? path = null) =>
            locator.Find(new PluginReference(reference, name, path, Dir("project")));

        Assert.Equal(new LocatedPlugin(explicitPath, PluginFoundBy.Path), Find("a", path: "tools/explicit"));
        Assert.Equal(new LocatedPlugin(Dir("project/dist/named"), PluginFoundBy.Name), Find("b", name: "dist/named"));
        Assert.Equal(new LocatedPlugin(onPath, PluginFoundBy.SearchPath), Find("c", name: "bare-name"));
        Assert.Equal(new LocatedPlugin(bundled, PluginFoundBy.Bundled), Find("echo"));
        Assert.Equal(new LocatedPlugin(conventional, PluginFoundBy.PathConvention), Find("shell"));
    }

    [Fact]
    public void A_plugin_with_a_source_is_found_in_the_package_cache_with_its_package()
    {
        var cache = new PackageCache(Dir("cache"));
        var source = PackageSource.Parse("npm:@acme/tb-lint@2.0.0");
        var modules = FakePackages.InstallNpm(cache, source, "\"cli.js\"");
        CreateFile("bin/tb-lint", Executable);
        var locator = new PluginLocator(PathOf("bin"), Dir("bundled"), cache);

        var found = locator.Find(new PluginReference("lint", Name: null, Path: null, BaseDirectory: Dir("project")) { Source = source });

        Assert.Equal(Path.Combine(modules, ".bin", "tb-lint"), found.ExecutablePath);
        Assert.Equal(PluginFoundBy.Package, found.FoundBy);
        Assert.NotNull(found.Package);
        Assert.Equal(source, found.Package.Source);
        Assert.Equal(cache.DirectoryFor(source), found.Package.Directory);
        Assert.Equal(modules, found.Package.ContentDirectory);
    }

    [Fact]
    public void A_dotnet_tool_from_the_cache_runs_its_launcher()
    {
        var cache = new PackageCache(Dir("cache"));
        var source = PackageSource.Parse("nuget:Acme.Lint@1.0.0");
        FakePackages.InstallTool(cache, source, "tb-lint");
        var locator = new PluginLocator(searchPath: null, bundledDirectory: null, cache);

        var found = locator.Find(new PluginReference("lint", Name: null, Path: null, BaseDirectory: Dir("project")) { Source = source });

        Assert.Equal(Path.Combine(cache.DirectoryFor(source), "tb-lint"), found.ExecutablePath);
        Assert.Equal(PluginFoundBy.Package, found.FoundBy);
    }

    [Fact]
    public void A_source_that_is_not_installed_is_not_looked_for_elsewhere_and_says_to_install_it()
    {
        var cache = new PackageCache(Dir("cache"));
        CreateFile("bundled/plugin-lint", Executable);
        CreateFile("bin/tb-lint", Executable);
        var locator = new PluginLocator(PathOf("bin"), Dir("bundled"), cache);
        var source = PackageSource.Parse("npm:tb-lint@2.0.0");

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Find(new PluginReference("lint", Name: null, Path: null, BaseDirectory: Dir("project")) { Source = source }));

        var tried = Assert.Single(failure.Tried);
        Assert.Equal($"npm:tb-lint@2.0.0 (not installed in {cache.Root}: 'tb plugins install' installs it, and 'tb run' does on first need)", tried);
    }

    [Fact]
    public void A_source_with_no_package_cache_to_look_in_is_not_found()
    {
        var locator = new PluginLocator(searchPath: null, bundledDirectory: null);

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Find(new PluginReference("lint", null, null, Dir("project")) { Source = PackageSource.Parse("npm:tb-lint@2.0.0") }));

        Assert.Equal(["npm:tb-lint@2.0.0 (no package cache to look in)"], failure.Tried);
    }

    [Fact]
    public void An_installed_package_with_no_command_for_the_plugin_throws_the_packages_problem()
    {
        var cache = new PackageCache(Dir("cache"));
        var source = PackageSource.Parse("npm:tools@1.0.0");
        FakePackages.InstallNpm(cache, source, """{"tb-lint":"cli.js","tb-fmt":"cli.js"}""");
        var locator = new PluginLocator(searchPath: null, bundledDirectory: null, cache);

        var failure = Assert.Throws<PackageException>(() => locator.Find(new PluginReference("test", null, null, Dir("project")) { Source = source }));

        Assert.Contains("none is named 'test' or 'tb-test'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_package_command_whose_link_leads_nowhere_is_not_found_and_named_as_such()
    {
        var cache = new PackageCache(Dir("cache"));
        var source = PackageSource.Parse("npm:tb-lint@2.0.0");
        var modules = FakePackages.InstallNpm(cache, source, "\"cli.js\"");
        File.Delete(Path.Combine(modules, "tb-lint", "cli.js"));
        var locator = new PluginLocator(searchPath: null, bundledDirectory: null, cache);

        var failure = Assert.Throws<PluginNotFoundException>(() => locator.Find(new PluginReference("lint", null, null, Dir("project")) { Source = source }));

        Assert.Equal([$"{Path.Combine(modules, ".bin", "tb-lint")} (dangling symlink)"], failure.Tried);
    }

    [Fact]
    public void Every_file_of_a_name_on_PATH_is_listed_in_PATH_order_with_whether_it_can_run()
    {
        var first = CreateFile("first/tb-x", NotExecutable);
        var second = CreateFile("second/tb-x", Executable);
        Directory.CreateDirectory(Path.Combine(Dir("third"), "tb-x"));
        var fourth = CreateFile("fourth/tb-x", Executable);
        var locator = new PluginLocator(PathOf("missing", "first", "second", "third", "fourth"), bundledDirectory: null);

        var found = locator.FindAllOnPath("tb-x");

        Assert.Equal([(first, false), (second, true), (fourth, true)], found);
    }

    [Fact]
    public void Every_tb_file_on_PATH_is_listed_by_name_with_the_first_one_winning()
    {
        var first = CreateFile("first/tb-a", Executable);
        CreateFile("second/tb-a", Executable);
        var other = CreateFile("second/tb-b", NotExecutable);
        CreateFile("second/plugin-c", Executable);
        CreateFile("second/TB-d", Executable);
        Directory.CreateDirectory(Path.Combine(Dir("second"), "tb-directory"));
        var locator = new PluginLocator(PathOf("missing", "first", "second"), bundledDirectory: null);

        var found = locator.FindConventionalOnPath();

        Assert.Equal(new Dictionary<string, string> { ["tb-a"] = first, ["tb-b"] = other }, found);
    }

    [Fact]
    public void The_locator_for_this_process_searches_its_PATH_and_its_own_directory()
    {
        var locator = PluginLocator.ForCurrentProcess();

        Assert.Equal(AppContext.BaseDirectory, locator.BundledDirectory);
        Assert.Equal(
            (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries),
            locator.SearchDirectories);
    }

    private string Dir(string relative) => Path.Combine(_directory.FullName, relative);

    private string PathOf(params string[] directories) => string.Join(Path.PathSeparator, directories.Select(Dir));

    private string CreateFile(string relative, UnixFileMode mode)
    {
        var path = Dir(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "#!/bin/sh\nexit 0\n");
        File.SetUnixFileMode(path, mode);
        return path;
    }
}
