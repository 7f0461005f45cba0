using System.Text.Json;

namespace TalkingBinaries.Protocol.Messages;

/// <summary>Params of <c>vars/get</c>.</summary>
public sealed record VarsGetParams
{
    /// <summary>The variable to read.</summary>
    public required string Name { get; init; }

    /// <summary>The step asking.</summary>
    public string? StepId { get; init; }
}

/// <summary>Result of <c>vars/get</c>.</summary>
public sealed record VarsGetResult
{
    /// <summary>Whether the variable exists.</summary>
    public bool Defined { get; init; }

    /// <summary>Its value; absent when it does not exist.</summary>
    public JsonElement? Value { get; init; }
}

/// <summary>Params of <c>steps/get</c>.</summary>
public sealed record StepsGetParams
{
    /// <summary>The step to read.</summary>
    public required string Step { get; init; }

    /// <summary>The step asking.</summary>
    public string? StepId { get; init; }
}

/// <summary>Result of <c>steps/get</c>.</summary>
public sealed record StepsGetResult
{
    /// <summary>Whether the step has finished (only then are status and outputs known).</summary>
    public bool Finished { get; init; }

    /// <summary><c>succeeded</c>, <c>failed</c>, <c>skipped</c> or <c>cancelled</c>.</summary>
    public string? Status { get; init; }

    /// <summary>The step's outputs.</summary>
    public IReadOnlyDictionary<string, JsonElement> Outputs { get; set; } = new Dictionary<string, JsonElement>();
}
