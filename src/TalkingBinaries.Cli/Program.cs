using System.CommandLine;
using System.Reflection;
using TalkingBinaries.Cli;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;

// `tb relay ENDPOINT -- PLUGIN [ARGS]` runs on a Slurm node as srun's task (docs/cluster.md); not for people.
if (args is ["relay", var relayTo, "--", var relayed, ..])
{
    return await RelayCommand.RunAsync(relayTo, relayed, args[4..]);
}

var version = typeof(ExitCodes).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

var file = new Option<string?>("--file", "-f") { Description = "The DevFile to use; by default the nearest DevFile in this directory or a parent." };
var report = new Option<string?>("--report") { Description = "Write a JSON report of the run to this file." };
var grace = new Option<string?>("--grace") { Description = $"How long a plugin gets to exit when asked (after its step, or on Ctrl-C) before its process group is killed (e.g. 500ms, 5s; default {Durations.Format(HostingOptions.Default.StopGrace)})." };
var maxParallel = new Option<int?>("--max-parallel", "-j") { Description = "Run at most this many steps at once (default: the DevFile's max_parallel, else the number of processors)." };
var timeout = new Option<string?>("--timeout") { Description = "Stop the whole run after this long (e.g. 90s, 10m); exit code 124." };
var step = new Option<string?>("--step") { Description = "Run only this step and the steps it waits for." };
var vars = new Option<string[]>("--var") { Description = "Set a variable: --var name=value (repeatable; overrides the DevFile's vars).", AllowMultipleArgumentsPerToken = false };
var varFiles = new Option<string[]>("--var-file") { Description = "Read variables (and, under 'secrets:', secrets) from a YAML or JSON file (repeatable)." };
var verbose = new Option<bool>("--verbose", "-v") { Description = "Also show plugins' debug lines." };
var noColor = new Option<bool>("--no-color") { Description = "Never colour the output (NO_COLOR does the same)." };
var frozen = new Option<bool>("--frozen") { Description = "Refuse to run unless the DevFile's lock file exists and pins every plugin as declared (for CI)." };
var events = new Option<string?>("--events") { Description = "Write the run's events as JSON lines to this file as they happen ('-' for stdout; the human output then goes to stderr)." };
var probe = new Option<bool>("--probe") { Description = "Start each plugin to ask its version, protocol and capabilities (its handshake)." };
var json = new Option<bool>("--json") { Description = "Write the listing as JSON." };

var run = new Command("run", "Run the DevFile's steps, independent ones in parallel, showing plugins' logs live.") { file, report, maxParallel, step, timeout, grace, vars, varFiles, verbose, noColor, frozen };
run.Options.Add(events);
run.SetAction((parse, _) => Commands.RunAsync(new RunArguments(parse.GetValue(file), parse.GetValue(report), version)
{
    Grace = parse.GetValue(grace),
    MaxParallel = parse.GetValue(maxParallel),
    Timeout = parse.GetValue(timeout),
    Step = parse.GetValue(step),
    Variables = parse.GetValue(vars) ?? [],
    VarFiles = parse.GetValue(varFiles) ?? [],
    Verbose = parse.GetValue(verbose),
    NoColor = parse.GetValue(noColor),
    Frozen = parse.GetValue(frozen),
    Events = parse.GetValue(events),
}));

var validate = new Command("validate", "Check a DevFile and find its plugins without running anything.") { file, noColor };
validate.SetAction(parse => Commands.Validate(parse.GetValue(file), parse.GetValue(noColor)));

var install = new Command("install", "Install the packages the DevFile's plugins come from ('source:') into the plugin cache.") { file, noColor };
install.SetAction((parse, _) => PluginCommands.InstallAsync(parse.GetValue(file), parse.GetValue(noColor)));

var plugins = new Command("plugins", "List the DevFile's plugins: where each was found, its hash and lock status; warn about PATH.") { file, probe, json, noColor, install };
plugins.SetAction((parse, _) => PluginCommands.ListAsync(parse.GetValue(file), parse.GetValue(probe), parse.GetValue(json), parse.GetValue(noColor), version));

var lockCommand = new Command("lock", "Pin every plugin's source, version, executable and sha256 in the DevFile's lock file (DevFile.lock).") { file, noColor };
lockCommand.SetAction((parse, _) => PluginCommands.LockAsync(parse.GetValue(file), parse.GetValue(noColor)));

var pluginPath = new Argument<string>("PATH") { Description = "The plugin executable to check." };
var checkConfig = new Option<string?>("--config") { Description = "The config of every step the check runs, as a JSON object (default {})." };
var slowConfig = new Option<string?>("--slow-config") { Description = "A config (JSON object) that makes a step last a few seconds, to check step/cancel; without it that scenario is skipped." };
var checkTimeout = new Option<string?>("--timeout") { Description = $"How long each scenario waits for an answer or an exit before it fails (e.g. 500ms, 10s; default {Durations.Format(TalkingBinaries.Hosting.Conformance.ConformanceOptions.Default.Timeout)})." };
var checkJson = new Option<bool>("--json") { Description = "Print the results as JSON instead of a table." };
var check = new Command("check", "Check that a plugin executable, in any language, keeps the protocol: black-box scenarios, each with a reason.") { pluginPath, checkConfig, slowConfig, checkTimeout, checkJson, noColor };
check.SetAction((parse, _) => PluginCheck.RunAsync(new CheckArguments(parse.GetValue(pluginPath)!, version)
{
    Config = parse.GetValue(checkConfig),
    SlowConfig = parse.GetValue(slowConfig),
    Timeout = parse.GetValue(checkTimeout),
    Json = parse.GetValue(checkJson),
    NoColor = parse.GetValue(noColor),
}));
var plugin = new Command("plugin", "Work with a plugin executable directly.") { check };

var root = new RootCommand("Talking Binaries: run workflows whose steps are plugins, any executable speaking JSON over stdin/stdout.")
{
    run,
    validate,
    plugins,
    lockCommand,
    plugin,
};

// Never System.Console's streams (StandardStreams says why): on a terminal, their first write sets keypad mode and nothing
// resets it when tb exits. Raw streams write the same bytes without touching the terminal's modes.
using var output = new StreamWriter(StandardStreams.Output()) { AutoFlush = true };
using var error = new StreamWriter(StandardStreams.Error()) { AutoFlush = true };
var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    await error.WriteLineAsync(UsageErrors.Describe(parsed, root));
    return ExitCodes.UsageOrConfig;
}

return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false, Output = output, Error = error });
