using System.Text.Json.Serialization;

namespace TalkingBinaries.Workflow.Reporting;

/// <summary>How a step ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<StepStatus>))]
public enum StepStatus
{
    /// <summary>The plugin did the step's work.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    /// <summary>The plugin reported a failure, or died, or broke the protocol.</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>Not run, because an earlier step failed or the run was stopped first.</summary>
    [JsonStringEnumMemberName("skipped")]
    Skipped,

    /// <summary>Started, then stopped by Ctrl-C, a signal or a timeout.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    /// <summary>Not run, because its inputs, outputs, config and plugin are as when it last succeeded (docs/devfile.md, "Up to date").</summary>
    [JsonStringEnumMemberName("up-to-date")]
    UpToDate,
}
