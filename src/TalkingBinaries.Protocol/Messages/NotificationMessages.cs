using System.Text.Json;

namespace TalkingBinaries.Protocol.Messages;

/// <summary>Params of the <c>log</c> notification.</summary>
public sealed record LogParams
{
    /// <summary>One of <see cref="LogLevels"/>; an unknown level is shown as <c>info</c>.</summary>
    public string Level { get; set; } = LogLevels.Info;

    /// <summary>The text; a message with newlines is shown as several lines.</summary>
    public required string Message { get; init; }

    /// <summary>The step the line is about; absent for lines about the plugin as a whole.</summary>
    public string? StepId { get; init; }
}

/// <summary>Params of the <c>progress</c> notification.</summary>
public sealed record ProgressParams
{
    /// <summary>The step the progress is about.</summary>
    public string? StepId { get; init; }

    /// <summary>What is happening now.</summary>
    public string? Message { get; init; }

    /// <summary>How much is done, from 0 to 1, when known.</summary>
    public double? Fraction { get; init; }
}

/// <summary>Params of the <c>vars/set</c> notification.</summary>
public sealed record VarsSetParams
{
    /// <summary>The variable's name: letters, digits, <c>_</c> and <c>-</c>.</summary>
    public required string Name { get; init; }

    /// <summary>Any JSON value.</summary>
    public required JsonElement Value { get; init; }

    /// <summary>The step that sets it.</summary>
    public string? StepId { get; init; }

    /// <summary>Mask the value wherever the host shows it.</summary>
    public bool Secret { get; set; }
}

/// <summary>Params of the <c>secrets/add</c> notification.</summary>
public sealed record SecretsAddParams
{
    /// <summary>The text to mask.</summary>
    public required string Value { get; init; }

    /// <summary>The step that found it.</summary>
    public string? StepId { get; init; }
}

/// <summary>The log levels of the <c>log</c> notification.</summary>
public static class LogLevels
{
    /// <summary>Detail for whoever debugs the plugin.</summary>
    public const string Debug = "debug";

    /// <summary>Ordinary progress.</summary>
    public const string Info = "info";

    /// <summary>Something unexpected that did not stop the step.</summary>
    public const string Warn = "warn";

    /// <summary>Something that went wrong.</summary>
    public const string Error = "error";
}
