using TalkingBinaries.Hosting.Packages;

namespace TalkingBinaries.Hosting.Tests;

public sealed class PackageSourceSpecs
{
    [Theory]
    [InlineData("nuget:Some.Plugin@1.2.3", PackageEcosystem.NuGet, "Some.Plugin", "1.2.3")]
    [InlineData("nuget:My_Tool-2@10.0.0-preview.1+abc", PackageEcosystem.NuGet, "My_Tool-2", "10.0.0-preview.1+abc")]
    [InlineData("nuget:x@1.2.3.4", PackageEcosystem.NuGet, "x", "1.2.3.4")]
    [InlineData("npm:some-plugin@1.2.3", PackageEcosystem.Npm, "some-plugin", "1.2.3")]
    [InlineData("npm:@scope/name@1.2.3", PackageEcosystem.Npm, "@scope/name", "1.2.3")]
    [InlineData("npm:@my-org/tb.plugin_x~y@0.0.1-rc.2", PackageEcosystem.Npm, "@my-org/tb.plugin_x~y", "0.0.1-rc.2")]
    public void A_pinned_source_is_parsed_into_its_parts_and_written_back_as_it_was(string text, PackageEcosystem ecosystem, string name, string version)
    {
        var parsed = PackageSource.TryParse(text, out var source, out var problem);

        Assert.True(parsed, problem);
        Assert.Null(problem);
        Assert.NotNull(source);
        Assert.Equal(new PackageSource(ecosystem, name, version), source);
        Assert.Equal(text, source.ToString());
        Assert.Equal(source, PackageSource.Parse(source.ToString()));
    }

    [Theory]
    [InlineData("Some.Plugin@1.2.3", "nuget:Some.Plugin@1.2.3 or npm:some-plugin@1.2.3")]
    [InlineData("pypi:thing@1.2.3", "nuget:Some.Plugin@1.2.3 or npm:some-plugin@1.2.3")]
    [InlineData("NuGet:Some.Plugin@1.2.3", "nuget:Some.Plugin@1.2.3 or npm:some-plugin@1.2.3")]
    [InlineData("", "nuget:Some.Plugin@1.2.3 or npm:some-plugin@1.2.3")]
    public void A_source_without_a_known_prefix_is_refused_with_both_forms_to_write(string text, string example)
    {
        var problem = Refusal(text);

        Assert.Equal($"'{text}' names no package source; write {example}", problem);
    }

    [Theory]
    [InlineData("nuget:Some.Plugin", "nuget:Some.Plugin@1.2.3")]
    [InlineData("nuget:@1.2.3", "nuget:Some.Plugin@1.2.3")]
    [InlineData("npm:some-plugin", "npm:some-plugin@1.2.3")]
    [InlineData("npm:@scope/name", "npm:some-plugin@1.2.3")]
    public void A_source_without_a_version_is_refused_and_told_to_pin_one(string text, string example)
    {
        var problem = Refusal(text);

        Assert.Equal($"'{text}' has no version; pin one, as in {example}", problem);
    }

    [Theory]
    [InlineData("npm:some-plugin@^1.2", "^1.2")]
    [InlineData("npm:some-plugin@~1.2.3", "~1.2.3")]
    [InlineData("npm:some-plugin@>=1.0.0", ">=1.0.0")]
    [InlineData("npm:some-plugin@1.x", "1.x")]
    [InlineData("npm:some-plugin@latest", "latest")]
    [InlineData("nuget:Some.Plugin@*", "*")]
    [InlineData("nuget:Some.Plugin@[1.0,2.0)", "[1.0,2.0)")]
    [InlineData("nuget:Some.Plugin@1", "1")]
    [InlineData("nuget:Some.Plugin@", "")]
    [InlineData("nuget:Some.Plugin@1.2.3 ", "1.2.3 ")]
    public void A_range_or_tag_instead_of_an_exact_version_is_refused_with_an_example(string text, string version)
    {
        var problem = Refusal(text);

        Assert.Equal($"'{version}' is not an exact version; pin one, such as 1.2.3 (ranges and tags like 'latest' would let a run change under you)", problem);
    }

    [Theory]
    [InlineData("nuget:-Plugin@1.2.3", "-Plugin")]
    [InlineData("nuget:.Plugin@1.2.3", ".Plugin")]
    [InlineData("nuget:..@1.2.3", "..")]
    [InlineData("nuget:../x@1.2.3", "../x")]
    [InlineData("nuget:Some/Plugin@1.2.3", "Some/Plugin")]
    [InlineData("nuget:Some Plugin@1.2.3", "Some Plugin")]
    [InlineData("nuget:Sömé@1.2.3", "Sömé")]
    public void A_NuGet_id_with_a_leading_dash_or_dot_a_slash_or_other_characters_is_refused(string text, string name)
    {
        var problem = Refusal(text);

        Assert.Equal($"'{name}' is not a NuGet package id (letters, digits, '.', '_' and '-'); write nuget:Some.Plugin@1.2.3", problem);
    }

    [Theory]
    [InlineData("npm:-plugin@1.2.3", "-plugin")]
    [InlineData("npm:../x@1.0.0", "../x")]
    [InlineData("npm:..@1.0.0", "..")]
    [InlineData("npm:.hidden@1.0.0", ".hidden")]
    [InlineData("npm:@scope/../x@1.0.0", "@scope/../x")]
    [InlineData("npm:@../x@1.0.0", "@../x")]
    [InlineData("npm:@scope/..@1.0.0", "@scope/..")]
    [InlineData("npm:a/b@1.0.0", "a/b")]
    [InlineData("npm:@scope/a/b@1.0.0", "@scope/a/b")]
    [InlineData("npm:@scope@1.0.0", "@scope")]
    [InlineData("npm:Upper@1.0.0", "Upper")]
    [InlineData("npm:some plugin@1.0.0", "some plugin")]
    public void An_npm_name_with_a_leading_dash_or_dot_a_path_or_upper_case_is_refused(string text, string name)
    {
        var problem = Refusal(text);

        Assert.Equal($"'{name}' is not an npm package name (lower case, digits, '-', '.', '_', '~', with an optional @scope/); write npm:some-plugin@1.2.3", problem);
    }

    [Theory]
    [InlineData("nuget:Some.Plugin\n@1.2.3")]
    [InlineData("nuget:Some.Plugin@1.2.3\n")]
    [InlineData("npm:some-plugin\n@1.2.3")]
    [InlineData("npm:some-plugin@1.2.3\n")]
    public void A_trailing_newline_is_part_of_neither_the_name_nor_the_version(string text)
    {
        // A YAML block scalar ('source: |') ends with a newline; regex '$' alone would have matched before it.
        var problem = Refusal(text);

        Assert.Matches("; (write|pin one)", problem);
    }

    [Fact]
    public void Parse_throws_a_format_exception_with_the_same_advice()
    {
        var failure = Assert.Throws<FormatException>(() => PackageSource.Parse("npm:some-plugin@latest"));

        Assert.Equal(Refusal("npm:some-plugin@latest"), failure.Message);
    }

    private static string Refusal(string text)
    {
        Assert.False(PackageSource.TryParse(text, out var source, out var problem), $"'{text}' was accepted as {source}");
        Assert.Null(source);
        return problem;
    }
}
