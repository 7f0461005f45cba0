namespace TalkingBinaries.Workflow.UpToDate;

/// <summary>One pattern of a step's <c>inputs</c> or <c>outputs</c>: a path relative to the DevFile, with <c>*</c>, <c>?</c>, <c>[abc]</c> and <c>**</c>.</summary>
/// <remarks>
/// <c>*</c> and <c>?</c> never cross a <c>/</c>; <c>**</c> as a whole segment is any number of directories, none
/// included. A pattern that names a directory stands for every file beneath it. The leading segments without a
/// wildcard are the directory the pattern is looked for in, so <c>../shared/*.h</c> and absolute paths work and no
/// other directory is read.
/// </remarks>
public sealed class FileGlob
{
    private readonly string[] _segments;

    private FileGlob(string pattern, string root, string[] segments)
    {
        Pattern = pattern;
        Root = root;
        _segments = segments;
    }

    /// <summary>The pattern as written.</summary>
    public string Pattern { get; }

    /// <summary>The leading segments without a wildcard, joined: where matches are looked for, relative to the DevFile (or absolute).</summary>
    public string Root { get; }

    /// <summary>Whether the pattern has a wildcard; one without names a single file or directory.</summary>
    public bool HasWildcard => _segments.Length > 0;

    /// <summary>Parses <paramref name="pattern"/>; a message saying what is wrong when it is not a pattern.</summary>
    public static FileGlob? Parse(string pattern, out string? problem)
    {
        problem = null;
        if (pattern.Length == 0 || pattern.Contains('\0', StringComparison.Ordinal) || pattern.Contains('\\', StringComparison.Ordinal))
        {
            problem = pattern.Length == 0 ? "is empty" : "holds a backslash or NUL; write paths with '/'";
            return null;
        }

        var absolute = pattern.StartsWith('/');
        var parts = pattern.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(part => part != ".").ToArray();
        var literal = parts.TakeWhile(part => !IsWildcard(part)).ToList();
        var rest = parts.Skip(literal.Count).ToArray();
        if (rest.Contains("..", StringComparer.Ordinal))
        {
            problem = "has '..' after a wildcard; put the '..' segments first, e.g. '../lib/**/*.c'";
            return null;
        }

        foreach (var segment in rest)
        {
            if (segment.Contains("**", StringComparison.Ordinal) && segment != "**")
            {
                problem = $"has '**' inside the segment '{segment}'; '**' must be a whole segment, e.g. 'src/**/*.c'";
                return null;
            }

            if (!BracketsClose(segment))
            {
                problem = $"has a '[' without its ']' in '{segment}'";
                return null;
            }
        }

        var root = string.Join('/', literal);
        root = absolute ? "/" + root : root.Length == 0 ? "." : root;
        return new FileGlob(pattern, root, rest);
    }

    /// <summary>Whether <paramref name="relative"/> (a path under <see cref="Root"/>, segments split by '/') is matched, itself or as a directory's file.</summary>
    public bool Matches(ReadOnlySpan<string> relative)
    {
        for (var length = relative.Length; length >= 0; length--)
        {
            // A match of a leading part is a directory the pattern names: everything beneath it is matched too.
            if (Match(_segments, relative[..length]))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether a directory at <paramref name="relative"/> under <see cref="Root"/> may hold matches: no reason to walk it otherwise.</summary>
    public bool MayMatchBeneath(ReadOnlySpan<string> relative)
    {
        var index = 0;
        foreach (var segment in relative)
        {
            if (index >= _segments.Length)
            {
                // The pattern named an ancestor: everything beneath it is matched.
                return true;
            }

            if (_segments[index] == "**")
            {
                return true;
            }

            if (!Segment(_segments[index], segment))
            {
                return false;
            }

            index++;
        }

        return true;
    }

    private static bool Match(ReadOnlySpan<string> pattern, ReadOnlySpan<string> path)
    {
        while (pattern.Length > 0)
        {
            if (pattern[0] == "**")
            {
                for (var skip = 0; skip <= path.Length; skip++)
                {
                    if (Match(pattern[1..], path[skip..]))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (path.Length == 0 || !Segment(pattern[0], path[0]))
            {
                return false;
            }

            pattern = pattern[1..];
            path = path[1..];
        }

        return path.Length == 0;
    }

    /// <summary>Whether a name matches a segment's pattern: <c>*</c>, <c>?</c> and classes <c>[abc]</c>, <c>[a-z]</c>, <c>[!a]</c>.</summary>
    private static bool Segment(string pattern, string name)
    {
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && pattern[p] == '*')
            {
                starP = p++;
                starN = n;
            }
            else if (p < pattern.Length && (pattern[p] == '?' || (pattern[p] == '[' ? Class(pattern, ref p, name[n]) : pattern[p] == name[n])))
            {
                // Past the character, or past the class's ']'.
                p++;
                n++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                n = ++starN;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    /// <summary>Whether <paramref name="c"/> is in the class starting at <paramref name="p"/>; on a match, <paramref name="p"/> is left at its ']'.</summary>
    private static bool Class(string pattern, ref int p, char c)
    {
        var i = p + 1;
        var negate = i < pattern.Length && pattern[i] is '!' or '^';
        if (negate)
        {
            i++;
        }

        var found = false;
        var first = true;
        while (i < pattern.Length && (pattern[i] != ']' || first))
        {
            if (i + 2 < pattern.Length && pattern[i + 1] == '-' && pattern[i + 2] != ']')
            {
                found |= c >= pattern[i] && c <= pattern[i + 2];
                i += 3;
            }
            else
            {
                found |= pattern[i] == c;
                i++;
            }

            first = false;
        }

        if (found == negate)
        {
            return false;
        }

        p = i;
        return true;
    }

    private static bool IsWildcard(string segment) => segment.AsSpan().IndexOfAny('*', '?', '[') >= 0;

    private static bool BracketsClose(string segment)
    {
        // Read as Class reads it: after '[' and an optional '!' or '^', the first character is in the class even when
        // it is ']' (so "[]]" is a class of ']'); every '[' of the segment needs its ']'.
        for (var i = 0; i < segment.Length; i++)
        {
            if (segment[i] != '[')
            {
                continue;
            }

            var first = i + 1 < segment.Length && segment[i + 1] is '!' or '^' ? i + 2 : i + 1;
            var close = first + 1 < segment.Length ? segment.IndexOf(']', first + 1) : -1;
            if (close < 0)
            {
                return false;
            }

            i = close;
        }

        return true;
    }
}
