using System.Text.Json;

namespace TalkingBinaries.TestPlugin.Messages;

// The outputs of the behaviours that succeed, one record each; specs read them by these names.

/// <summary>No outputs: <c>{}</c>.</summary>
internal sealed record NoOutputs;

/// <summary>The process that ran the step, and the config it was given.</summary>
internal sealed record PidAndConfigOutputs(int Pid, JsonElement Config);

/// <summary>The process that ran the step, and the step's <c>parallel</c> params (null when the host sent none).</summary>
internal sealed record PidAndParallelOutputs(int Pid, JsonElement? Parallel);

/// <summary>The value a step set as a variable, and the config it was given.</summary>
internal sealed record ValueAndConfigOutputs(JsonElement Value, JsonElement Config);

/// <summary>The child process a step left running.</summary>
internal sealed record ChildOutputs(int ChildPid);

/// <summary>A text output of a size the spec asks for.</summary>
internal sealed record TextOutputs(string Text);

/// <summary>Which attempt succeeded (fail-until).</summary>
internal sealed record AttemptOutputs(int Attempt);
