namespace TalkingBinaries.Hosting.Packages;

/// <summary>The package ecosystem a plugin is installed from, each with its own client.</summary>
public enum PackageEcosystem
{
    /// <summary>A .NET tool package, installed with <c>dotnet tool install --tool-path</c>.</summary>
    NuGet,

    /// <summary>An npm package with a <c>bin</c>, installed with <c>npm install --prefix</c>.</summary>
    Npm,
}
