using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Tests;

public sealed class DevFileSpecs
{
    private const string DevFilePath = "/projects/app/DevFile";

    private static readonly SourceLocation Somewhere = new(DevFilePath, 1, 1);

    private static readonly PluginDefinition[] Plugins = [new("echo", null, null, PluginProtocol.V1, Somewhere)];

    [Fact]
    public void A_with_copy_with_other_steps_finds_its_own_steps_after_a_lookup_on_the_original()
    {
        var original = new DevFile(DevFilePath, Plugins, [Step("build")]);
        Assert.Equal("build", original.Step("build").Name);

        var copy = original with { Steps = [Step("test")] };

        Assert.Equal("test", copy.Step("test").Name);
        Assert.Throws<KeyNotFoundException>(() => copy.Step("build"));
        Assert.Equal("build", original.Step("build").Name);
    }

    [Fact]
    public void Looking_a_step_up_leaves_equality_and_the_hash_code_as_they_were()
    {
        var looked = new DevFile(DevFilePath, Plugins, [Step("build"), Step("test")]);
        var untouched = looked with { };

        _ = looked.Step("test");

        Assert.Equal(untouched, looked);
        Assert.Equal(untouched.GetHashCode(), looked.GetHashCode());
    }

    [Fact]
    public void Copies_that_differ_in_a_setting_are_not_equal()
    {
        var devFile = new DevFile(DevFilePath, Plugins, [Step("build")]);

        Assert.NotEqual(devFile, devFile with { MaxParallel = 2 });
        Assert.NotEqual(devFile, devFile with { Path = "/elsewhere/DevFile" });
        Assert.Equal(devFile, devFile with { });
    }

    private static StepDefinition Step(string name) => new(name, "echo", default, Parallel: false, Somewhere);
}
