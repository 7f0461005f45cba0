using YamlDotNet.Core;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>Turns YamlDotNet's syntax errors into one-line errors at the right place, in this project's wording.</summary>
internal static class YamlSyntax
{
    /// <summary>The error for <paramref name="exception"/>, raised while reading <paramref name="text"/> from <paramref name="file"/>.</summary>
    /// <param name="exception">What YamlDotNet raised.</param>
    /// <param name="text">The text it read.</param>
    /// <param name="file">The file's full path.</param>
    /// <param name="what">How the message starts, such as <c>invalid YAML</c>.</param>
    /// <param name="hint">What to do, appended after the library's reason; may be empty.</param>
    public static DevFileError Error(YamlException exception, string text, string file, string what, string hint)
    {
        ArgumentNullException.ThrowIfNull(exception);
        ArgumentNullException.ThrowIfNull(text);
        var message = exception.InnerException?.Message ?? exception.Message;
        if (message.Contains("tab", StringComparison.OrdinalIgnoreCase) && TabInIndentation(text, exception.Start) is { } tab)
        {
            return new DevFileError(tab with { File = file }, "a tab in indentation; YAML indents with spaces");
        }

        return new DevFileError(At(file, exception.Start), $"{what}: {Clean(message)}{hint}");
    }

    private static SourceLocation At(string file, Mark mark) => new(file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

    // YamlDotNet reports a tab in indentation at 1:1, or at the end of the line above it; the tab itself is what to fix.
    private static SourceLocation? TabInIndentation(string text, Mark mark)
    {
        var lastLine = mark.Index > 0 ? mark.Line + 1 : long.MaxValue;
        SourceLocation? found = null;
        var line = 1;
        for (var start = 0; start < text.Length && line <= lastLine; line++)
        {
            var end = text.IndexOf('\n', start);
            end = end < 0 ? text.Length : end;
            var content = start;
            while (content < end && text[content] is ' ' or '\t')
            {
                content++;
            }

            var tab = text.IndexOf('\t', start, content - start);
            if (tab >= 0 && content < end && text[content] != '\r')
            {
                found = new SourceLocation(string.Empty, line, tab - start + 1);
                if (mark.Index == 0)
                {
                    // No position to go by: the first tab is the one the parser stopped at.
                    return found;
                }
            }

            start = end + 1;
        }

        return found;
    }

    private static string Clean(string message) => message.TrimEnd('.').Replace("\r", string.Empty, StringComparison.Ordinal).Replace('\n', ' ');
}
