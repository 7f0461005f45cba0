using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace TalkingBinaries.Hosting.Packages;

/// <summary>A pinned package a plugin comes from, written <c>nuget:Some.Plugin@1.2.3</c> or <c>npm:some-plugin@1.2.3</c>.</summary>
/// <param name="Ecosystem">Where the package comes from.</param>
/// <param name="Name">The package's id (NuGet) or name, with its scope if any (npm).</param>
/// <param name="Version">The exact version: ranges and tags are refused, so a run is repeatable.</param>
public sealed partial record PackageSource(PackageEcosystem Ecosystem, string Name, string Version)
{
    /// <summary>The prefix of a NuGet source.</summary>
    public const string NuGetPrefix = "nuget:";

    /// <summary>The prefix of an npm source.</summary>
    public const string NpmPrefix = "npm:";

    /// <summary>Parses <paramref name="text"/>; on failure, <paramref name="problem"/> says what is wrong and how to write it.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out PackageSource? source, [NotNullWhen(false)] out string? problem)
    {
        ArgumentNullException.ThrowIfNull(text);
        source = null;
        var (ecosystem, rest, example) = text.StartsWith(NuGetPrefix, StringComparison.Ordinal) ? (PackageEcosystem.NuGet, text[NuGetPrefix.Length..], "nuget:Some.Plugin@1.2.3")
            : text.StartsWith(NpmPrefix, StringComparison.Ordinal) ? (PackageEcosystem.Npm, text[NpmPrefix.Length..], "npm:some-plugin@1.2.3")
            : ((PackageEcosystem?)null, text, "nuget:Some.Plugin@1.2.3 or npm:some-plugin@1.2.3");
        if (ecosystem is not { } known)
        {
            problem = $"'{text}' names no package source; write {example}";
            return false;
        }

        // The '@' of an npm scope comes first; the version follows the last '@'.
        var at = rest.LastIndexOf('@');
        if (at <= 0)
        {
            problem = $"'{text}' has no version; pin one, as in {example}";
            return false;
        }

        var (name, version) = (rest[..at], rest[(at + 1)..]);
        var nameIsValid = known == PackageEcosystem.NuGet ? NuGetId().IsMatch(name) : NpmName().IsMatch(name);
        if (!nameIsValid)
        {
            problem = known == PackageEcosystem.NuGet
                ? $"'{name}' is not a NuGet package id (letters, digits, '.', '_' and '-'); write {example}"
                : $"'{name}' is not an npm package name (lower case, digits, '-', '.', '_', '~', with an optional @scope/); write {example}";
            return false;
        }

        if (!ExactVersion().IsMatch(version))
        {
            problem = $"'{version}' is not an exact version; pin one, such as 1.2.3 (ranges and tags like 'latest' would let a run change under you)";
            return false;
        }

        source = new PackageSource(known, name, version);
        problem = null;
        return true;
    }

    /// <summary>Parses <paramref name="text"/>, or throws <see cref="FormatException"/> saying what is wrong.</summary>
    public static PackageSource Parse(string text) =>
        TryParse(text, out var source, out var problem) ? source : throw new FormatException(problem);

    /// <summary>The source as written in a DevFile: <c>nuget:Some.Plugin@1.2.3</c>.</summary>
    public override string ToString() => $"{(Ecosystem == PackageEcosystem.NuGet ? NuGetPrefix : NpmPrefix)}{Name}@{Version}";

    // \z, not $: '$' also matches before a final newline, which a YAML block scalar ('source: |') leaves on the text.
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.\-]{0,99}\z")]
    private static partial Regex NuGetId();

    [GeneratedRegex(@"^(@[a-z0-9~][a-z0-9\-._~]*/)?[a-z0-9~][a-z0-9\-._~]{0,213}\z")]
    private static partial Regex NpmName();

    [GeneratedRegex(@"^[0-9]+(\.[0-9]+){1,3}(-[0-9A-Za-z\-.]+)?(\+[0-9A-Za-z\-.]+)?\z")]
    private static partial Regex ExactVersion();
}
