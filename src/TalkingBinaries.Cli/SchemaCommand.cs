using System.CommandLine;
using TalkingBinaries.Workflow.DevFiles;

namespace TalkingBinaries.Cli;

/// <summary><c>tb schema</c>: the DevFile's JSON Schema, for editors (docs/devfile.md, "Editor support").</summary>
internal static class SchemaCommand
{
    public static Command Create()
    {
        var output = new Option<string?>("--output", "-o") { Description = "Write the schema to this file instead of stdout." };
        var command = new Command("schema", "Print the DevFile's JSON Schema (draft 2020-12), for editors: tb schema > devfile.schema.json.") { output };
        command.SetAction(parse => Write(parse.GetValue(output), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error));
        return command;
    }

    /// <summary>Writes <paramref name="text"/> to stdout; a reader that went away (<c>tb schema | head</c>) is no error worth a stack trace.</summary>
    public static int TryWrite(TextWriter output, string text)
    {
        try
        {
            output.Write(text);
            return ExitCodes.Success;
        }
        catch (IOException)
        {
            return ExitCodes.StepFailed;
        }
    }

    private static int Write(string? file, TextWriter output, TextWriter error)
    {
        if (file is null)
        {
            return TryWrite(output, DevFileSchema.Text);
        }

        try
        {
            File.WriteAllText(file, DevFileSchema.Text);
            return ExitCodes.Success;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"tb: error: cannot write the schema to {Path.GetFullPath(file)}: {exception.Message}; fix --output");
            return ExitCodes.UsageOrConfig;
        }
    }
}
