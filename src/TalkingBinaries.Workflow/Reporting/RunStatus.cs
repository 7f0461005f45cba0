using System.Text.Json.Serialization;

namespace TalkingBinaries.Workflow.Reporting;

/// <summary>How a run ended.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RunStatus>))]
public enum RunStatus
{
    /// <summary>Every step succeeded.</summary>
    [JsonStringEnumMemberName("succeeded")]
    Succeeded,

    /// <summary>A step failed (one without <c>continue_on_error</c>).</summary>
    [JsonStringEnumMemberName("failed")]
    Failed,

    /// <summary>The run was interrupted.</summary>
    [JsonStringEnumMemberName("cancelled")]
    Cancelled,

    /// <summary>The run took longer than its timeout and was stopped.</summary>
    [JsonStringEnumMemberName("timedOut")]
    TimedOut,
}
