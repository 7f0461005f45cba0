using CsCheck;
using TalkingBinaries.Hosting.Packages;
using TalkingBinaries.Tests;

namespace TalkingBinaries.Hosting.Tests;

/// <summary>Mutated and generated package sources: a source or a problem that says how to write one, never an exception.</summary>
[Trait("Category", "Fuzz")]
public sealed class PackageSourceFuzzSpecs
{
    private static readonly string[] Sources =
    [
        "nuget:Some.Plugin@1.2.3",
        "nuget:My_Tool-2@10.0.0-preview.1+abc",
        "npm:some-plugin@1.2.3",
        "npm:@scope/name@1.2.3-rc.1",
        "npm:../x@1.0.0",
        "npm:some-plugin@^1.2",
        "nuget:Some.Plugin@latest",
        "Some.Plugin@1.2.3",
    ];

    // Names and versions built from the characters that matter, with the endings a DevFile's YAML might leave on them.
    private static readonly Gen<string> Generated = Gen.Select(
        Gen.OneOf("nuget:", "npm:", "NuGet:", string.Empty, "npm:@scope/"),
        Gen.Char["abcXYZ019.-_~@/ \\"].Array[0, 20].Select(chars => new string(chars)),
        Gen.OneOf("1.2.3", "1.2", "0.0.1-rc.1+build.5", "1", "^1.2", "latest", string.Empty),
        Gen.OneOf(string.Empty, string.Empty, "\n", "\r\n", " ", "\t", "\u00a0", "/..", "\0"),
        (prefix, name, version, ending) => $"{prefix}{name}@{version}{ending}");

    [Fact]
    public void Parsing_never_throws_and_an_accepted_source_is_written_back_as_it_was()
    {
        var root = Path.Combine(Path.GetTempPath(), "tb-cache-root");
        var cache = new PackageCache(root);
        Gen.Frequency((3, Fuzz.Mutations(Sources)), (1, Generated)).Sample(text =>
        {
            if (!PackageSource.TryParse(text, out var source, out var problem))
            {
                // Every refusal ends with an example of how to write it.
                Assert.Contains("1.2.3", problem, StringComparison.Ordinal);
                return;
            }

            Assert.Equal(text, source.ToString());
            Assert.Equal(source, PackageSource.Parse(source.ToString()));
            Assert.DoesNotContain(source.Name + source.Version, character => char.IsWhiteSpace(character) || char.IsControl(character));

            // Whatever is accepted stays in its own directory of the cache.
            var directory = cache.DirectoryFor(source);
            Assert.Equal(directory, Path.GetFullPath(directory));
            Assert.StartsWith(cache.Root + Path.DirectorySeparatorChar, directory, StringComparison.Ordinal);
            var parts = Path.GetRelativePath(cache.Root, directory).Split(Path.DirectorySeparatorChar);
            Assert.Equal(3, parts.Length);
            Assert.DoesNotContain(parts, part => part is "." or "..");
        }, iter: Fuzz.Iterations(5000), threads: 2);
    }
}
