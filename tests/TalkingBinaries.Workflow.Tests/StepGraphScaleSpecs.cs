using System.Diagnostics;
using System.Text;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Tests;

public sealed class StepGraphScaleSpecs
{
    private const int Steps = 20_000;

    [Fact]
    public void A_chain_of_needs_in_reverse_file_order_loads_about_as_fast_as_plain_steps()
    {
        // Step i needs step i + 1 and reads its outputs: every need points forward, and nothing above is waited for.
        var chain = DevFileText(index => index + 1 < Steps ? $"    needs: s{index + 1}\n    config:\n      v: ${{{{ steps.s{index + 1}.outputs.v }}}}\n" : "    needs: []\n");
        var plain = DevFileText(_ => "    config:\n      v: x\n");
        DevFileLoader.Parse(DevFileText(_ => string.Empty, 10), "/warm/DevFile");

        var plainTime = Time(plain);
        var chainTime = Time(chain);

        // Quadratic, the chain took about 10 s against well under 1 s; linear, the two are close. Generous for a loaded machine.
        Assert.True(chainTime < (plainTime * 5) + TimeSpan.FromSeconds(1), $"{Steps} chained steps took {chainTime}, {Steps} plain steps {plainTime}");
    }

    [Fact]
    public void A_cycle_through_a_long_chain_of_needs_is_found_without_overflowing_the_stack()
    {
        var text = DevFileText(index => $"    needs: s{(index + 1) % 50_000}\n", 50_000);

        var failure = Assert.Throws<DevFileException>(() => DevFileLoader.Parse(text, "/projects/app/DevFile"));

        Assert.StartsWith("steps wait for each other in a cycle: s0 -> s49999 -> s49998", Assert.Single(failure.Errors).Message, StringComparison.Ordinal);
    }

    private static TimeSpan Time(string text)
    {
        var clock = Stopwatch.StartNew();
        var devFile = DevFileLoader.Parse(text, "/projects/app/DevFile");
        Assert.Equal(Steps, devFile.Steps.Count);
        return clock.Elapsed;
    }

    private static string DevFileText(Func<int, string> extra, int count = Steps)
    {
        var text = new StringBuilder("plugins:\n  - ref: p\nsteps:\n");
        for (var index = 0; index < count; index++)
        {
            text.Append("  - name: s").Append(index).Append("\n    plugin: p\n").Append(extra(index));
        }

        return text.ToString();
    }
}
