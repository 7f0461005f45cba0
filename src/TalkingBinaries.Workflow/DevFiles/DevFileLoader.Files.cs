using TalkingBinaries.Workflow.UpToDate;
using YamlDotNet.RepresentationModel;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>A step's <c>inputs</c> and <c>outputs</c> (docs/devfile.md, "Up to date").</summary>
public static partial class DevFileLoader
{
    /// <summary>The patterns of <paramref name="key"/>: one string or a list; null when one is not valid.</summary>
    private static FileSet? ReadFileSet(Context context, YamlNode node, string key)
    {
        // "inputs: src/**" is short for "inputs: [src/**]".
        IEnumerable<YamlNode> items = node is YamlScalarNode { Value: not ("" or "~" or "null" or null) } ? [node] : context.Sequence(node, key);
        var include = new List<FileGlob>();
        var exclude = new List<FileGlob>();
        var valid = true;
        foreach (var item in items)
        {
            if (context.Scalar(item, key) is not { } text || !context.Printable(item, text, key))
            {
                valid = false;
                continue;
            }

            var excluded = text.StartsWith('!');
            var pattern = excluded ? text[1..] : text;
            if (FileGlob.Parse(pattern, out var problem) is not { } glob)
            {
                context.Error(item.Start, $"'{key}' pattern '{text}' {problem}");
                valid = false;
                continue;
            }

            (excluded ? exclude : include).Add(glob);
        }

        if (valid && include.Count == 0 && exclude.Count > 0)
        {
            context.Error(node.Start, $"'{key}' has only '!' patterns, which leave files out of nothing; add the files it has, e.g. '{key}: [\"src/**\", \"!src/**/*.tmp\"]'");
            return null;
        }

        return valid ? new FileSet(include, exclude) : null;
    }
}
