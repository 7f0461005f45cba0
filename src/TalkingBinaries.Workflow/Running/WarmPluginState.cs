namespace TalkingBinaries.Workflow.Running;

/// <summary>A plugin kept warm between runs: its name, executable, directory, live processes, and whether a run has it now.</summary>
public sealed record WarmPluginState(string Name, string ExecutablePath, string? WorkingDirectory, IReadOnlyList<int> Pids, bool Lent);
