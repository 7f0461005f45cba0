using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Protocol.Messages;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Host services that pass everything to the current run's: a warm plugin kept across runs talks to whichever run is on.</summary>
internal sealed class RelayedServices : HostServices
{
    private volatile HostServices _target = None;

    /// <summary>The services of the run now using the plugin; <see cref="HostServices.None"/> between runs.</summary>
    public HostServices Target
    {
        get => _target;
        set => _target = value;
    }

    public override void OnEvent(PluginEvent pluginEvent) => _target.OnEvent(pluginEvent);

    public override Task<JsonElement?> GetVariableAsync(string name, string? stepId, CancellationToken cancellationToken) =>
        _target.GetVariableAsync(name, stepId, cancellationToken);

    public override Task<StepsGetResult> GetStepAsync(string step, string? stepId, CancellationToken cancellationToken) =>
        _target.GetStepAsync(step, stepId, cancellationToken);
}
