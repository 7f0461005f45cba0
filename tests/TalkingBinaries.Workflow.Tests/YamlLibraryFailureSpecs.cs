using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>Broken YAML on which the YAML library throws something other than a syntax error (found by WorkflowFuzzSpecs).</summary>
public sealed class YamlLibraryFailureSpecs
{
    public static TheoryData<string> Inputs { get; } = new()
    {
        // An alias where a key belongs: the library's model throws ArgumentException.
        "vars:\n  anchor: &a { x: [1, 2] }\n   *a\nsteps: []\n",

        // Flow collections left open after a tab-laden line: the library's scanner throws InvalidOperationException.
        "vars:\n  who:" + new string('\t', 21) + " world\n  list: [1," + new string('[', 94) + "1" + new string(']', 54) + " 2, {a: b}]\n  anchor: &a { x: [1, 2] }\n",
    };

    [Theory]
    [MemberData(nameof(Inputs))]
    public void Is_a_syntax_error_with_a_location_not_a_crash(string text)
    {
        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Parse(text, "/specs/DevFile"));

        var error = Assert.Single(failure.Errors);
        Assert.StartsWith("/specs/DevFile:", error.ToString(), StringComparison.Ordinal);
    }
}
