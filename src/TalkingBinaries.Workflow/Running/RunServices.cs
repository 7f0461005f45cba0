using System.Collections.Concurrent;
using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Variables;

namespace TalkingBinaries.Workflow.Running;

/// <summary>What a run offers its plugins: events routed to steps, and answers to <c>vars/get</c> and <c>steps/get</c>.</summary>
internal sealed class RunServices(EventRouter router, string plugin, VariableStore variables, ConcurrentDictionary<string, StepReport> finished) : HostServices
{
    public override void OnEvent(PluginEvent pluginEvent) => router.Route(plugin, pluginEvent);

    public override Task<JsonElement?> GetVariableAsync(string name, string? stepId, CancellationToken cancellationToken) =>
        Task.FromResult(variables.Snapshot().TryGetValue(name, out var value) ? value : (JsonElement?)null);

    public override Task<StepsGetResult> GetStepAsync(string step, string? stepId, CancellationToken cancellationToken)
    {
        var done = finished.TryGetValue(step, out var report);
        return Task.FromResult(new StepsGetResult
        {
            Finished = done,
            Status = done ? JsonSerializer.SerializeToElement(report!.Status, ReportJsonContext.Default.StepStatus).GetString() : null,
            Outputs = report?.Outputs ?? new Dictionary<string, JsonElement>(),
        });
    }

    /// <summary>For a plugin that runs one step per process (the seed format): everything it says is that step's.</summary>
    public static HostServices ForStep(EventRouter router, StepDefinition step) =>
        ForEvents(pluginEvent => router.RouteToStep(step, pluginEvent));
}
