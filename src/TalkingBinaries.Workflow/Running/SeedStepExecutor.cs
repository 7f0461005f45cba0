using System.Text.Json;
using TalkingBinaries.Hosting;
using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;

namespace TalkingBinaries.Workflow.Running;

/// <summary>Runs a seed-format plugin's steps: a process per step, its exit code the verdict (docs/protocol.md, "The seed format").</summary>
internal sealed class SeedStepExecutor(PluginCommand command, HostingOptions options, EventRouter router) : StepExecutor
{
    public override async Task<StepOutcome> RunAsync(
        StepDefinition step,
        JsonElement config,
        ParallelInfo parallel,
        CancellationToken gracefulCancellationToken,
        CancellationToken forcefulCancellationToken)
    {
        SeedStepResult result;
        try
        {
            result = await SeedPlugin.RunAsync(command, config, parallel.Enabled, options, RunServices.ForStep(router, step), gracefulCancellationToken, forcefulCancellationToken).ConfigureAwait(false);
        }
        catch (PluginException exception)
        {
            return StepOutcome.From(StepStatus.Failed, exception);
        }

        var status = gracefulCancellationToken.IsCancellationRequested ? StepStatus.Cancelled
            : result.ExitStatus.Succeeded ? StepStatus.Succeeded : StepStatus.Failed;
        return new StepOutcome(status, status == StepStatus.Succeeded ? null : $"plugin '{command.Name}' (pid {result.Pid}) {result.ExitStatus.Describe()}")
        {
            Pid = result.Pid,
            Executor = command.Launcher.Name,
            Exit = result.ExitStatus,
            BinaryTime = result.BinaryTime,
            Outputs = result.Outputs,
        };
    }
}
