using System.CommandLine;
using TalkingBinaries.Cli;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;

// `tb relay ENDPOINT -- PLUGIN [ARGS]` runs on a Slurm node as srun's task (docs/cluster.md); not for people.
if (args is ["relay", var relayTo, "--", var relayed, ..])
{
    return await RelayCommand.RunAsync(relayTo, relayed, args[4..]);
}

// `tb run` through the tb server (docs/server.md), when asked for: a thin client that passes its streams to the server.
if (args is ["run", ..] && ServerClient.Wanted(args) && ServerClient.Run(args) is { } served)
{
    return served;
}

var root = CommandLine.Create(() => Invocation.ThisProcess);

// Never System.Console's streams (StandardStreams says why): on a terminal, their first write sets keypad mode and nothing
// resets it when tb exits. Raw streams write the same bytes without touching the terminal's modes.
using var output = new StreamWriter(StandardStreams.Output()) { AutoFlush = true };
using var error = new StreamWriter(StandardStreams.Error()) { AutoFlush = true };
if (args is [ShellCompletion.Callback, ..])
{
    return ShellCompletion.Complete(root, args[1..], output);
}

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    await error.WriteLineAsync(UsageErrors.Describe(parsed, root));
    return ExitCodes.UsageOrConfig;
}

return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false, Output = output, Error = error });
