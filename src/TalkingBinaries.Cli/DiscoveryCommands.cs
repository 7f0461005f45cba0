using System.Text.Encodings.Web;
using System.Text.Json;
using TalkingBinaries.Hosting.Discovery;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Planning;
using TalkingBinaries.Workflow.Running;

namespace TalkingBinaries.Cli;

/// <summary>What <c>tb list</c>, <c>tb graph</c> and <c>tb run --dry-run</c> do: show a DevFile without running it.</summary>
internal static class DiscoveryCommands
{
    // Names and descriptions in any script stay readable in the JSON, not \uXXXX.
    private static readonly JsonSerializerOptions JsonOptions = new(DiscoveryJsonContext.Default.Options) { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
    private static readonly DiscoveryJsonContext Json = new(JsonOptions);

    /// <summary><c>tb list</c>: the steps in file order, with plugin, needs as written, what each waits for, <c>if</c> and description.</summary>
    public static int List(string? file, bool json, bool noColor)
    {
        using var terminal = Terminal.ForConsole(noColor || json);
        if (!Commands.TryLoad(terminal, file, out var devFile))
        {
            return ExitCodes.UsageOrConfig;
        }

        var steps = StepSummary.ListOf(devFile);
        if (json)
        {
            terminal.Line(JsonSerializer.Serialize(new StepListing(devFile.Path, steps), Json.StepListing));
            return ExitCodes.Success;
        }

        // The RETRY and MATRIX columns only when some step has one, so other DevFiles' tables stay as narrow as they were.
        var retries = steps.Any(step => step.Retry is not null);
        var matrices = steps.Any(step => step.Matrix is not null);
        string[] header = ["STEP", "PLUGIN", "NEEDS", "WAITS FOR", "IF", .. (retries ? ["RETRY"] : Array.Empty<string>()), .. (matrices ? ["MATRIX"] : Array.Empty<string>()), "DESCRIPTION"];
        var rows = steps.Select(string[] (step) =>
        [
            step.Name,
            step.Plugin,
            step.Needs is null ? "-" : step.Needs.Count == 0 ? "[]" : string.Join(", ", step.Needs),
            step.WaitsFor.Count == 0 ? "-" : string.Join(", ", step.WaitsFor),
            step.If ?? "-",
            .. (retries ? [step.Retry?.Text() ?? "-"] : Array.Empty<string>()),
            .. (matrices ? [step.Matrix?.Text() ?? "-"] : Array.Empty<string>()),
            step.Description ?? "-",
        ]).ToList();
        var widths = Enumerable.Range(0, header.Length).Select(column => rows.Select(row => row[column].Length).Append(header[column].Length).Max()).ToArray();
        terminal.Line(terminal.Bold(string.Join("  ", header.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd()));
        for (var index = 0; index < rows.Count; index++)
        {
            // Padded before it is painted, so colour codes never upset the columns.
            var row = rows[index];
            terminal.Line(string.Join("  ", row.Select((cell, column) => (column == row.Length - 1 ? cell : cell.PadRight(widths[column])) is var padded && cell == "-" ? terminal.Dim(padded) : padded)).TrimEnd());
        }

        terminal.Line($"{devFile.Path}: {steps.Count} {(steps.Count == 1 ? "step" : "steps")}");
        return ExitCodes.Success;
    }

    /// <summary><c>tb graph</c>: the needs graph as Mermaid, Graphviz DOT, or JSON nodes and edges.</summary>
    public static int Graph(string? file, string? format, bool json, bool noColor)
    {
        using var terminal = Terminal.ForConsole(noColor || json);
        if (format is not (null or "mermaid" or "dot"))
        {
            terminal.ErrorLine($"tb: error: --format must be mermaid or dot, not '{format}'");
            return ExitCodes.UsageOrConfig;
        }

        if (!Commands.TryLoad(terminal, file, out var devFile))
        {
            return ExitCodes.UsageOrConfig;
        }

        var graph = GraphText.Listing(devFile.Path, StepSummary.ListOf(devFile));
        terminal.Line(json ? JsonSerializer.Serialize(graph, Json.GraphListing) : (format == "dot" ? GraphText.Dot(graph) : GraphText.Mermaid(graph)).TrimEnd('\n'));
        return ExitCodes.Success;
    }

    /// <summary><c>tb run --dry-run</c>: what the run would do, in waves, without starting a plugin or installing a package.</summary>
    public static int DryRun(Terminal terminal, DevFile devFile, RunArguments arguments, PluginLocator locator, Dictionary<string, JsonElement> variables, Dictionary<string, string> secrets)
    {
        DryRunPlan plan;
        try
        {
            plan = Workflow.Planning.DryRun.Plan(devFile, new RunOptions
            {
                Locator = locator,
                MaxParallel = arguments.MaxParallel,
                Step = arguments.Step,
                Matrix = arguments.Matrix,
                Variables = variables,
                Secrets = secrets,
            });
        }
        catch (DevFileException exception)
        {
            Commands.PrintErrors(terminal, exception);
            return ExitCodes.UsageOrConfig;
        }

        if (arguments.Json)
        {
            terminal.Line(JsonSerializer.Serialize(plan, Json.DryRunPlan));
            return ExitCodes.Success;
        }

        var count = plan.Waves.Sum(wave => wave.Steps.Count);
        terminal.Line($"tb: dry run of {plan.DevFile} ({count} {(count == 1 ? "step" : "steps")} in {plan.Waves.Count} {(plan.Waves.Count == 1 ? "wave" : "waves")}, at most {plan.MaxParallel} at once)");
        var index = 0;
        foreach (var wave in plan.Waves)
        {
            terminal.Line(terminal.Bold($"wave {wave.Number}:"));
            foreach (var step in wave.Steps)
            {
                var executable = step.Executable ?? $"installed from {step.Installs} when the run starts";
                terminal.Line($"  {terminal.Step(step.Name, index++)} plugin {step.Plugin}: {executable}");
                var details = new List<string>();
                if (step.Description is { } description)
                {
                    details.Add($"description: {description}");
                }

                if (step.WaitsFor.Count > 0)
                {
                    details.Add($"waits for: {string.Join(", ", step.WaitsFor)}");
                }

                if (step.If is { } condition)
                {
                    details.Add($"if: {condition} ({step.Runs switch
                    {
                        true => "true: it runs if every step before succeeds",
                        false => terminal.Yellow("false: it would be skipped"),
                        null => "known only during the run",
                    }})");
                }

                if (step.Timeout is { } stepTimeout)
                {
                    details.Add($"timeout: {stepTimeout}");
                }

                if (step.ContinueOnError)
                {
                    details.Add("continue_on_error: true");
                }

                if (step.Matrix is { } matrix)
                {
                    details.Add($"matrix: {matrix.Text()}");
                }

                if (step.Retry is { } retry)
                {
                    details.Add($"retry: {retry.Text()}");
                }

                details.Add($"config: {Compact(step.Config)}");
                details.AddRange(step.Unknown.Select(note => terminal.Dim($"unknown until the run: {note}")));
                terminal.Lines(details.Select(detail => "      " + detail));
            }
        }

        terminal.Line($"dry run: nothing was started; {devFile.Path} is valid");
        return ExitCodes.Success;
    }

    /// <summary>One line of JSON; characters of any script as they are, control characters escaped.</summary>
    private static string Compact(JsonElement value)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            value.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
