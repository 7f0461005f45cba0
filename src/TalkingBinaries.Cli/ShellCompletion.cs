using System.CommandLine;
using System.CommandLine.Completions;
using System.Text;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Cli;

/// <summary>
/// <c>tb completion bash|zsh|fish</c> prints a script; the script calls back <c>tb __complete -- WORDS</c>, which
/// answers from the command tree itself, so every command and option is covered as soon as it exists.
/// </summary>
internal static class ShellCompletion
{
    /// <summary>The hidden first argument of the call back from a shell's completion function.</summary>
    public const string Callback = "__complete";

    private static readonly string[] Shells = ["bash", "zsh", "fish"];

    /// <summary>Adds <c>completion</c> to <paramref name="root"/>, and step names as the values of every <c>--step</c> option.</summary>
    public static void AddTo(RootCommand root)
    {
        foreach (var option in Options(root).Where(option => option.Name == "--step"))
        {
            option.CompletionSources.Add(StepNames);
        }

        var shell = new Argument<string>("SHELL") { Description = "bash, zsh or fish." };
        shell.AcceptOnlyFromAmong(Shells);
        var completion = new Command("completion", "Print a completion script for bash, zsh or fish (see README, \"Using tb\").") { shell };
        completion.SetAction(parse => Print(parse.GetValue(shell)!, parse.InvocationConfiguration.Output));
        root.Subcommands.Add(completion);
    }

    /// <summary>Prints the completions of the last of <paramref name="words"/> (the words after <c>tb</c>), one per line as label, tab, description.</summary>
    /// <remarks>Never fails and never writes to stderr: whatever goes wrong, the shell just gets fewer candidates.</remarks>
    public static int Complete(RootCommand root, IReadOnlyList<string> words, TextWriter output)
    {
        try
        {
            var arguments = words is ["--", ..] ? words.Skip(1).ToList() : words.ToList();

            // As one line, so an empty last word (the cursor after a space) ends it with a space: a new word to complete.
            var line = arguments is [.. var before, ""] ? string.Join(' ', before.Select(Quote)) + " " : string.Join(' ', arguments.Select(Quote));
            var text = new StringBuilder();
            foreach (var item in root.Parse(line).GetCompletions(line.Length))
            {
                // System.CommandLine also offers labels that merely contain the word; a shell wants those that start with it.
                if (!item.Label.StartsWith(arguments.LastOrDefault() ?? string.Empty, StringComparison.Ordinal) || item.Label is "-?" || item.Label.StartsWith('/'))
                {
                    continue;
                }

                text.Append(item.Label);
                if (OneLine(item.Detail ?? item.Documentation) is { Length: > 0 } description)
                {
                    text.Append('\t').Append(description);
                }

                text.Append('\n');
            }

            output.Write(text.ToString());
        }
#pragma warning disable CA1031 // A completion must never print an error into the user's shell; nothing is better than a stack trace there.
        catch (Exception)
#pragma warning restore CA1031
        {
        }

        return ExitCodes.Success;
    }

    private static int Print(string shell, TextWriter output)
    {
        return SchemaCommand.TryWrite(output, shell switch
        {
            "zsh" => CompletionScripts.Zsh,
            "fish" => CompletionScripts.Fish,
            _ => CompletionScripts.Bash,
        });
    }

    private static IEnumerable<CompletionItem> StepNames(CompletionContext context)
    {
        try
        {
            var file = context.ParseResult.GetResult("--file") is System.CommandLine.Parsing.OptionResult result ? result.GetValueOrDefault<string?>() : null;
            var path = file is { Length: > 0 } ? Path.GetFullPath(file) : DevFileLocator.Find(Directory.GetCurrentDirectory());
            var devFile = DevFileLoader.Load(path);
            return devFile.Steps
                .Where(step => step.Name.StartsWith(context.WordToComplete, StringComparison.Ordinal))
                .Select(step => new CompletionItem(step.Name, documentation: $"plugin {step.Plugin}"))
                .ToList();
        }
#pragma warning disable CA1031 // No DevFile, or one being edited that does not load: no step names, and no message in the shell.
        catch (Exception)
#pragma warning restore CA1031
        {
            return [];
        }
    }

    private static IEnumerable<Option> Options(Command command) =>
        command.Options.Concat(command.Subcommands.SelectMany(Options)).Distinct();

    private static string Quote(string word) =>
        word.Length > 0 && !word.Any(c => char.IsWhiteSpace(c) || c == '"') ? word : $"\"{word.Replace("\"", string.Empty, StringComparison.Ordinal)}\"";

    private static string? OneLine(string? text) =>
        text?.Split('\n')[0].Replace('\t', ' ').Trim();
}
