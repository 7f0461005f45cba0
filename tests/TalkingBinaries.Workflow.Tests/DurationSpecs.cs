using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Workflow.Tests;

public sealed class DurationSpecs
{
    private const string DevFilePath = "/projects/app/DevFile";

    [Theory]
    [InlineData("1e20")]
    [InlineData("1e20h")]
    [InlineData("1e400")]
    [InlineData("Infinity")]
    [InlineData("2000h")]
    [InlineData("9000h")]
    [InlineData("25d")]
    public void A_duration_over_24_days_is_refused_with_a_message_a_caller_can_show(string text)
    {
        var parsed = Durations.TryParse(text, out var duration, out var problem);

        Assert.False(parsed);
        Assert.Equal(TimeSpan.Zero, duration);
        Assert.Equal($"must be at most 24d, not '{text}'", problem);
    }

    [Theory]
    [InlineData("24d", 24 * 24 * 3600)]
    [InlineData("576h", 24 * 24 * 3600)]
    [InlineData("1d", 24 * 3600)]
    [InlineData("90", 90)]
    public void A_duration_up_to_the_maximum_is_read(string text, int seconds)
    {
        var parsed = Durations.TryParse(text, out var duration, out var problem);

        Assert.True(parsed);
        Assert.Equal(TimeSpan.FromSeconds(seconds), duration);
        Assert.Empty(problem);
    }

    [Theory]
    [InlineData("-1s", "must be a duration of zero or more, not '-1s'")]
    [InlineData("-Infinity", "must be a duration of zero or more, not '-Infinity'")]
    [InlineData("NaN", "must be a duration such as 500ms, 30s, 2m, 1h or 1d, not 'NaN'")]
    [InlineData("soon", "must be a duration such as 500ms, 30s, 2m, 1h or 1d, not 'soon'")]
    public void A_negative_or_unreadable_duration_is_refused(string text, string message)
    {
        var parsed = Durations.TryParse(text, out _, out var problem);

        Assert.False(parsed);
        Assert.Equal(message, problem);
    }

    [Fact]
    public void The_two_argument_form_refuses_what_the_three_argument_form_refuses()
    {
        var parsed = Durations.TryParse("1e20", out var duration);

        Assert.False(parsed);
        Assert.Equal(TimeSpan.Zero, duration);
    }

    [Fact]
    public void The_maximum_fits_a_cancellation_timer()
    {
        using var source = new CancellationTokenSource();

        source.CancelAfter(Durations.Maximum);

        Assert.False(source.IsCancellationRequested);
    }

    [Theory]
    [InlineData("2000h")]
    [InlineData("1e20")]
    public void A_step_timeout_over_the_maximum_is_an_error_at_its_value(string timeout)
    {
        var failure = Assert.Throws<DevFileException>(
            () => DevFileLoader.Parse($"plugins:\n  - ref: p\nsteps:\n  - name: a\n    plugin: p\n    timeout: {timeout}\n", DevFilePath));

        var error = Assert.Single(failure.Errors);
        Assert.Equal(new SourceLocation(DevFilePath, 6, 14), error.Location);
        Assert.Equal($"'timeout' must be at most 24d, not '{timeout}'", error.Message);
    }
}
