using System.Text.Json;

namespace TalkingBinaries.TestPlugin;

/// <summary>A <c>step/run</c> request as the behaviours see it, with the config members every mode shares.</summary>
/// <param name="Id">The request's id, to answer it (null when the host sent none).</param>
/// <param name="Parameters">The request's params whole (<c>variables</c>, <c>parallel</c>, ...).</param>
/// <param name="Lines">Config <c>lines</c>: how many lines to write (20 when absent).</param>
/// <param name="Milliseconds">Config <c>ms</c>: how long to sleep (0 when absent).</param>
internal sealed record StepRequest(JsonElement? Id, JsonElement Parameters, string StepId, JsonElement Config, int Lines, int Milliseconds)
{
    public static StepRequest Read(JsonElement? id, JsonElement parameters)
    {
        var config = parameters.GetProperty("config");
        return new StepRequest(
            id,
            parameters,
            parameters.GetProperty("stepId").GetString()!,
            config,
            config.TryGetProperty("lines", out var lines) ? lines.GetInt32() : 20,
            config.TryGetProperty("ms", out var milliseconds) ? milliseconds.GetInt32() : 0);
    }

    /// <summary>Config <c>mode</c>, the behaviour a step asks for when the process was not started with one.</summary>
    public string? ConfiguredMode => Config.TryGetProperty("mode", out var mode) ? mode.GetString() : null;

    /// <summary>Whether config <paramref name="name"/> is present and true.</summary>
    public bool IsSet(string name) => Config.TryGetProperty(name, out var flag) && flag.GetBoolean();
}
