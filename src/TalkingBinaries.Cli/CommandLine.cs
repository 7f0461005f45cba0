using System.CommandLine;
using System.Reflection;
using TalkingBinaries.Hosting;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Cli;

/// <summary>tb's commands and options, and what each runs.</summary>
internal static class CommandLine
{
    /// <summary>tb's version, as <c>tb --version</c> shows it.</summary>
    public static string Version { get; } = typeof(ExitCodes).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";

    /// <summary>Every command; <c>tb run</c> works for the invocation <paramref name="invocationOf"/> gives when it runs (this process, or a client of the tb server).</summary>
    /// <remarks>The tree holds no invocation: the tb server builds it once and parses every client's arguments with it.</remarks>
    public static RootCommand Create(Func<Invocation> invocationOf)
    {
        var version = Version;
        var file = new Option<string?>("--file", "-f") { Description = "The DevFile to use; by default the nearest DevFile in this directory or a parent." };
        var report = new Option<string?>("--report") { Description = "Write a JSON report of the run to this file." };
        var reportHtml = new Option<string?>("--report-html") { Description = "Write an HTML page of the run to this file: a timeline of the steps, their logs, variables and outputs." };
        var grace = new Option<string?>("--grace") { Description = $"How long a plugin gets to exit when asked (after its step, or on Ctrl-C) before its process group is killed (e.g. 500ms, 5s; default {Durations.Format(HostingOptions.Default.StopGrace)})." };
        var maxParallel = new Option<int?>("--max-parallel", "-j") { Description = "Run at most this many steps at once (default: the DevFile's max_parallel, else the number of processors)." };
        var timeout = new Option<string?>("--timeout") { Description = "Stop the whole run after this long (e.g. 90s, 10m); exit code 124." };
        var step = new Option<string?>("--step") { Description = "Run only this step and the steps it waits for." };
        var vars = new Option<string[]>("--var") { Description = "Set a variable: --var name=value (repeatable; overrides the DevFile's vars).", AllowMultipleArgumentsPerToken = false };
        var varFiles = new Option<string[]>("--var-file") { Description = "Read variables (and, under 'secrets:', secrets) from a YAML or JSON file (repeatable)." };
        var verbose = new Option<bool>("--verbose", "-v") { Description = "Also show plugins' debug lines." };
        var noColor = new Option<bool>("--no-color") { Description = "Never colour the output (NO_COLOR does the same)." };
        var outputMode = OutputModes.Option();
        var frozen = new Option<bool>("--frozen") { Description = "Refuse to run unless the DevFile's lock file exists and pins every plugin as declared (for CI)." };
        var events = new Option<string?>("--events") { Description = "Write the run's events as JSON lines to this file as they happen ('-' for stdout; the human output then goes to stderr)." };
        var probe = new Option<bool>("--probe") { Description = "Start each plugin to ask its version, protocol and capabilities (its handshake)." };
        var json = new Option<bool>("--json") { Description = "Write the listing as JSON." };
        var noProbe = new Option<bool>("--no-probe") { Description = "Start no plugin to ask which variables and outputs it declares (they are then unknown)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Show what would run, in waves, with each step's executable and config as far as known; start nothing." };
        var matrix = new Option<string[]>("--matrix") { Description = "Run only the matrix instances with this value: --matrix key=value (repeatable; one key given twice keeps either value).", AllowMultipleArgumentsPerToken = false };
        var force = new Option<bool>("--force") { Description = "Run every step, even those whose inputs, outputs and config are as when they last succeeded." };
        var watch = new Option<bool>("--watch", "-w") { Description = "Run again whenever a step's inputs or the DevFile change (debounced); only what changed runs, warm plugins stay warm. Ctrl-C to stop." };
        var graphFormat = new Option<string?>("--format") { Description = "The graph's format: mermaid (default) or dot." };

        var run = new Command("run", "Run the DevFile's steps, independent ones in parallel, showing plugins' logs live.") { file, report, maxParallel, step, timeout, grace, vars, varFiles, verbose, noColor, frozen, outputMode, reportHtml, dryRun, json, events };
        run.Options.Add(matrix);
        run.Options.Add(force);
        run.Options.Add(watch);
        // Read by the client before this parser (ServerClient.Wanted); here so that they are known, shown and completed.
        run.Options.Add(new Option<bool>("--server") { Description = $"Run through the per-user tb server, started on first need, which keeps plugins warm between runs ({ServerClient.Variable}=1 does the same; docs/server.md)." });
        run.Options.Add(new Option<bool>("--no-server") { Description = $"Run here, without the tb server, even when {ServerClient.Variable} asks for it." });
        run.SetAction((parse, _) =>
        {
            var invocation = invocationOf();
            return Commands.RunAsync(new RunArguments(invocation.Given(parse.GetValue(file)), invocation.Given(parse.GetValue(report)), version)
            {
                Invocation = invocation,
                Grace = parse.GetValue(grace),
                MaxParallel = parse.GetValue(maxParallel),
                Timeout = parse.GetValue(timeout),
                Step = parse.GetValue(step),
                Variables = parse.GetValue(vars) ?? [],
                VarFiles = [.. (parse.GetValue(varFiles) ?? []).Select(path => invocation.Given(path)!)],
                Verbose = parse.GetValue(verbose),
                NoColor = parse.GetValue(noColor),
                Frozen = parse.GetValue(frozen),
                Output = parse.GetValue(outputMode),
                ReportHtml = invocation.Given(parse.GetValue(reportHtml)),
                DryRun = parse.GetValue(dryRun),
                Json = parse.GetValue(json),
                Events = parse.GetValue(events) is EventsFile.StandardOutput ? EventsFile.StandardOutput : invocation.Given(parse.GetValue(events)),
                Matrix = parse.GetValue(matrix) ?? [],
                Force = parse.GetValue(force),
                Watch = parse.GetValue(watch),
            });
        });

        var status = new Command("status", "Show which steps tb run would run and why, and which are up to date; start and write nothing.") { file, step, vars, varFiles, matrix, force, json, noColor };
        status.SetAction(parse => StatusCommand.Run(new RunArguments(parse.GetValue(file), null, version)
        {
            Step = parse.GetValue(step),
            Variables = parse.GetValue(vars) ?? [],
            VarFiles = parse.GetValue(varFiles) ?? [],
            Matrix = parse.GetValue(matrix) ?? [],
            Force = parse.GetValue(force),
            Json = parse.GetValue(json),
            NoColor = parse.GetValue(noColor),
        }));

        var validate = new Command("validate", "Check a DevFile and find its plugins without running anything; warn about variables and outputs nothing declares.") { file, vars, varFiles, noProbe, noColor };
        validate.SetAction((parse, _) => Commands.ValidateAsync(new ValidateArguments(parse.GetValue(file), version)
        {
            Variables = parse.GetValue(vars) ?? [],
            VarFiles = parse.GetValue(varFiles) ?? [],
            NoProbe = parse.GetValue(noProbe),
            NoColor = parse.GetValue(noColor),
        }));

        var list = new Command("list", "List the DevFile's steps in file order: plugin, needs, what each waits for, if and description.") { file, json, noColor };
        list.SetAction(parse => DiscoveryCommands.List(parse.GetValue(file), parse.GetValue(json), parse.GetValue(noColor)));

        var graph = new Command("graph", "Print the DevFile's needs graph as Mermaid (default) or Graphviz DOT.") { file, graphFormat, json, noColor };
        graph.SetAction(parse => DiscoveryCommands.Graph(parse.GetValue(file), parse.GetValue(graphFormat), parse.GetValue(json), parse.GetValue(noColor)));

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

        var reportPath = new Argument<string>("REPORT") { Description = "A JSON report written by tb run --report." };
        var html = new Option<string?>("--html") { Description = "Write the report as an HTML page to this file: a timeline of the steps, variables and outputs." };
        var reportCommand = new Command("report", "Draw a JSON report of tb run --report as an HTML timeline.") { reportPath, html, noColor };
        reportCommand.SetAction(parse => ReportCommand.Run(parse.GetValue(reportPath)!, parse.GetValue(html), parse.GetValue(noColor)));

        var root = new RootCommand("Talking Binaries: run workflows whose steps are plugins, any executable speaking JSON over stdin/stdout.")
        {
            run,
            validate,
            plugins,
            lockCommand,
            plugin,
            reportCommand,
            list,
            graph,
            status,
        };

        root.Subcommands.Add(SchemaCommand.Create());
        root.Subcommands.Add(ServerCommand.Create());
        ShellCompletion.AddTo(root);
        return root;
    }
}
