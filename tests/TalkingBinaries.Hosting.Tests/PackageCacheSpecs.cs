using System.Runtime.Versioning;
using TalkingBinaries.Hosting.Packages;

namespace TalkingBinaries.Hosting.Tests;

[UnsupportedOSPlatform("windows")]
public sealed class PackageCacheSpecs : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("tb-cache-");
    private readonly PackageCache _cache;

    public PackageCacheSpecs()
    {
        _cache = new PackageCache(Path.Combine(_directory.FullName, "plugins"));
    }

    public void Dispose() => _directory.Delete(recursive: true);

    [Fact]
    public void A_NuGet_package_has_a_directory_per_lower_cased_id_and_version()
    {
        var directory = _cache.DirectoryFor(PackageSource.Parse("nuget:Some.Plugin@1.2.3-Beta"));

        Assert.Equal(Path.Combine(_cache.Root, "nuget", "some.plugin", "1.2.3-Beta"), directory);
    }

    [Fact]
    public void An_npm_package_has_a_directory_per_name_and_version_with_its_scope_slash_as_a_plus()
    {
        Assert.Equal(Path.Combine(_cache.Root, "npm", "some-plugin", "1.2.3"), _cache.DirectoryFor(PackageSource.Parse("npm:some-plugin@1.2.3")));
        Assert.Equal(Path.Combine(_cache.Root, "npm", "@scope+name", "1.2.3"), _cache.DirectoryFor(PackageSource.Parse("npm:@scope/name@1.2.3")));
    }

    [Fact]
    public void A_relative_root_is_made_absolute()
    {
        var cache = new PackageCache("relative/cache");

        Assert.Equal(Path.GetFullPath("relative/cache"), cache.Root);
    }

    [Fact]
    public void A_package_that_is_not_installed_is_not_found()
    {
        Assert.Null(_cache.Find(PackageSource.Parse("nuget:Some.Plugin@1.2.3")));
        Assert.Null(_cache.Find(PackageSource.Parse("npm:some-plugin@1.2.3")));
    }

    [Fact]
    public void A_directory_without_a_complete_install_is_not_found()
    {
        var tool = PackageSource.Parse("nuget:Some.Plugin@1.2.3");
        var npm = PackageSource.Parse("npm:some-plugin@1.2.3");
        Directory.CreateDirectory(Path.Combine(_cache.DirectoryFor(tool), ".store", "some.plugin", "1.2.3"));
        Directory.CreateDirectory(Path.Combine(_cache.DirectoryFor(npm), "node_modules", "some-plugin"));

        Assert.Null(_cache.Find(tool));
        Assert.Null(_cache.Find(npm));
    }

    [Fact]
    public void A_dotnet_tool_install_offers_its_launchers_as_commands_and_its_tools_directory_as_content()
    {
        var source = PackageSource.Parse("nuget:Some.Plugin@1.2.3");
        var tools = FakePackages.InstallTool(_cache, source, "tb-some");

        var package = _cache.Find(source);

        Assert.NotNull(package);
        Assert.Equal(source, package.Source);
        Assert.Equal(_cache.DirectoryFor(source), package.Directory);
        Assert.Equal(tools, package.ContentDirectory);
        Assert.Empty(package.IgnoredContent);
        var (command, executable) = Assert.Single(package.Commands);
        Assert.Equal("tb-some", command);
        Assert.Equal(Path.Combine(package.Directory, "tb-some"), executable);
    }

    [Fact]
    public void An_npm_package_whose_bin_is_a_path_offers_one_command_named_after_the_package_without_its_scope()
    {
        var source = PackageSource.Parse("npm:@acme/tb-lint@2.0.0");
        var modules = FakePackages.InstallNpm(_cache, source, "\"cli.js\"");

        var package = _cache.Find(source);

        Assert.NotNull(package);
        Assert.Equal(modules, package.ContentDirectory);
        Assert.Equal(new Dictionary<string, string> { ["tb-lint"] = Path.Combine(modules, ".bin", "tb-lint") }, package.Commands);
        Assert.Equal([".bin", ".package-lock.json"], package.IgnoredContent);
        Assert.True(File.Exists(package.Commands["tb-lint"]), "the fake install's .bin link leads nowhere");
    }

    [Fact]
    public void An_npm_package_whose_bin_is_an_object_offers_each_command_it_names()
    {
        var source = PackageSource.Parse("npm:tools@1.0.0");
        var modules = FakePackages.InstallNpm(_cache, source, """{"tb-lint":"cli.js","tb-fmt":"cli.js"}""");

        var package = _cache.Find(source);

        Assert.NotNull(package);
        Assert.Equal(
            new Dictionary<string, string> { ["tb-lint"] = Path.Combine(modules, ".bin", "tb-lint"), ["tb-fmt"] = Path.Combine(modules, ".bin", "tb-fmt") },
            package.Commands);
    }

    [Fact]
    public void An_npm_package_without_a_bin_offers_no_command_and_cannot_be_a_plugin()
    {
        var source = PackageSource.Parse("npm:library@1.0.0");
        FakePackages.InstallNpm(_cache, source, bin: null);
        var package = _cache.Find(source);
        Assert.NotNull(package);

        var failure = Assert.Throws<PackageException>(() => package.ExecutableFor("library"));

        Assert.Empty(package.Commands);
        Assert.Equal("npm:library@1.0.0 offers no command (a .NET tool's ToolCommandName, an npm package's 'bin'); it cannot be a plugin", failure.Message);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1, 2]")]
    [InlineData("\"a string\"")]
    public void An_npm_package_whose_manifest_is_broken_is_reported_with_what_to_do(string manifest)
    {
        var source = PackageSource.Parse("npm:some-plugin@1.2.3");
        var modules = FakePackages.InstallNpm(_cache, source, "\"cli.js\"");
        File.WriteAllText(Path.Combine(modules, "some-plugin", "package.json"), manifest);

        var failure = Assert.Throws<PackageException>(() => _cache.Find(source));

        Assert.Contains(Path.Combine(modules, "some-plugin", "package.json"), failure.Message, StringComparison.Ordinal);
        Assert.Contains($"remove {_cache.DirectoryFor(source)} and run 'tb plugins install'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_only_command_of_a_package_runs_whatever_the_plugin_is_called()
    {
        var package = Package(("some-tool", "/cache/some-tool"));

        Assert.Equal("/cache/some-tool", package.ExecutableFor("anything"));
    }

    [Fact]
    public void Of_several_commands_the_one_named_after_the_plugin_runs()
    {
        var package = Package(("lint", "/cache/lint"), ("fmt", "/cache/fmt"));

        Assert.Equal("/cache/lint", package.ExecutableFor("lint"));
        Assert.Equal("/cache/fmt", package.ExecutableFor("fmt"));
    }

    [Fact]
    public void Of_several_commands_the_one_named_tb_and_the_plugin_runs()
    {
        var package = Package(("tb-lint", "/cache/tb-lint"), ("tb-fmt", "/cache/tb-fmt"));

        Assert.Equal("/cache/tb-lint", package.ExecutableFor("lint"));
    }

    [Fact]
    public void A_command_named_exactly_as_the_plugin_wins_over_one_named_tb_and_the_plugin()
    {
        var package = Package(("tb-lint", "/cache/tb-lint"), ("lint", "/cache/lint"));

        Assert.Equal("/cache/lint", package.ExecutableFor("lint"));
    }

    [Fact]
    public void Several_commands_none_named_after_the_plugin_are_listed_with_how_to_choose()
    {
        var package = Package(("zeta", "/cache/zeta"), ("alpha", "/cache/alpha"));

        var failure = Assert.Throws<PackageException>(() => package.ExecutableFor("lint"));

        Assert.Equal(
            "nuget:Some.Plugin@1.2.3 offers 2 commands (alpha, zeta) and none is named 'lint' or 'tb-lint'; name the plugin's ref after the one to run",
            failure.Message);
    }

    private static InstalledPackage Package(params (string Name, string Path)[] commands) =>
        new(PackageSource.Parse("nuget:Some.Plugin@1.2.3"), "/cache", commands.ToDictionary(command => command.Name, command => command.Path), "/cache/tools");
}
