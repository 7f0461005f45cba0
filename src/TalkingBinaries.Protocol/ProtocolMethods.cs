namespace TalkingBinaries.Protocol;

/// <summary>The JSON-RPC method names of protocol v1 (docs/protocol.md, "Messages").</summary>
public static class ProtocolMethods
{
    /// <summary>Host to plugin request: handshake.</summary>
    public const string Initialize = "initialize";

    /// <summary>Host to plugin request: run one step.</summary>
    public const string StepRun = "step/run";

    /// <summary>Host to plugin notification: stop the named step soon.</summary>
    public const string StepCancel = "step/cancel";

    /// <summary>Host to plugin request: finish and exit.</summary>
    public const string Shutdown = "shutdown";

    /// <summary>Plugin to host notification: a log line.</summary>
    public const string Log = "log";

    /// <summary>Plugin to host notification: progress of a step.</summary>
    public const string Progress = "progress";

    /// <summary>Plugin to host notification: set a global variable, visible to steps that start later.</summary>
    public const string VarsSet = "vars/set";

    /// <summary>Plugin to host request: the value of a global variable now.</summary>
    public const string VarsGet = "vars/get";

    /// <summary>Plugin to host request: the status and outputs of a step that has finished.</summary>
    public const string StepsGet = "steps/get";

    /// <summary>Plugin to host notification: a value to mask as <c>***</c> wherever the host shows it.</summary>
    public const string SecretsAdd = "secrets/add";
}
