using TalkingBinaries.Hosting;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Tests;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Reporting;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Workflow.Tests;

/// <summary>Runs a DevFile written to a directory, with only the plugins it names, and checks that no step left a process behind.</summary>
internal static class IsolatedRun
{
    /// <summary>Options that find plugins only by their paths in the DevFile, and stop them after a second's grace.</summary>
    public static RunOptions Options { get; } = new()
    {
        Locator = new PluginLocator(searchPath: string.Empty, bundledDirectory: null),
        Hosting = HostingOptions.Default with { StopGrace = TimeSpan.FromSeconds(1), CancelTimeout = TimeSpan.FromMilliseconds(500) },
    };

    public static async Task<RunReport> RunAsync(DirectoryInfo directory, string devFile, RunOptions options, RunObserver observer)
    {
        var path = Path.Combine(directory.FullName, DevFile.FileName);
        await File.WriteAllTextAsync(path, devFile);
        var report = await new WorkflowRunner(DevFileLoader.Load(path), options, observer).RunAsync(Deadline.After());
        Assert.Empty(await ProcessTable.SurvivorsAsync(report.Steps.Where(step => step.Pid is not null).Select(step => step.Pid!.Value)));
        return report;
    }

    public static StepReport Step(RunReport report, string name) => report.Steps.Single(step => step.Name == name);
}
