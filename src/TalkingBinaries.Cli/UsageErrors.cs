using System.CommandLine;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Cli;

/// <summary>A command line that does not parse, said in one line as every tb error is: what is wrong and where to look.</summary>
internal static class UsageErrors
{
    public static string Describe(ParseResult parsed, RootCommand root)
    {
        var command = parsed.CommandResult.Command;
        var help = command == root ? "tb --help" : $"tb {command.Name} --help";

        // An unknown word where a command belongs also makes "a command is required": the unknown word is the news.
        if (command == root && parsed.UnmatchedTokens.FirstOrDefault(token => !token.StartsWith('-')) is { } unknown)
        {
            var commands = root.Subcommands.Select(subcommand => subcommand.Name);
            return $"tb: error: there is no command '{unknown}'{Suggestions.DidYouMean(unknown, commands)} (see {help})";
        }

        var message = parsed.Errors[0].Message.TrimEnd('.');
        return $"tb: error: {message} (see {help})";
    }
}
