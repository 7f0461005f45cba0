using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TalkingBinaries.Workflow.DevFiles;

public static partial class DevFileLoader
{
    /// <summary>The file being read and the problems found so far, with helpers that record a problem and go on.</summary>
    private sealed class Context(string file)
    {
        public string File { get; } = file;

        public List<DevFileError> Errors { get; } = [];

        public SourceLocation At(Mark mark) => new(File, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column));

        public void Error(Mark mark, string message) => Errors.Add(new DevFileError(At(mark), message));

        public string? Key(YamlNode node, string[] allowed, string where)
        {
            var key = (node as YamlScalarNode)?.Value;
            if (key is null || !allowed.Contains(key))
            {
                Error(node.Start, $"unknown key '{key ?? node.ToString()}' {where}; allowed: {string.Join(", ", allowed)}{Suggestions.DidYouMean(key ?? string.Empty, allowed)}");
                return null;
            }

            return key;
        }

        public IEnumerable<YamlNode> Sequence(YamlNode node, string key)
        {
            if (node is YamlSequenceNode sequence)
            {
                return sequence.Children;
            }

            if (node is not YamlScalarNode { Value: "" or "~" or "null" or null })
            {
                Error(node.Start, $"'{key}' must be a list, each item starting with '- '");
            }

            return [];
        }

        public YamlMappingNode? Mapping(YamlNode node, string what, string example)
        {
            if (node is YamlMappingNode mapping)
            {
                return mapping;
            }

            Error(node.Start, $"{what} must be a mapping of keys to values, e.g. '- {example}'");
            return null;
        }

        public Dictionary<string, YamlNode> Fields(YamlMappingNode mapping, string[] allowed, string where)
        {
            var fields = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
            foreach (var (keyNode, value) in mapping.Children)
            {
                if (Key(keyNode, allowed, where) is { } key)
                {
                    fields[key] = value;
                }
            }

            return fields;
        }

        public string? Scalar(YamlNode node, string key)
        {
            if (node is YamlScalarNode scalar)
            {
                return scalar.Value;
            }

            Error(node.Start, $"'{key}' must be a single value, not a list or mapping");
            return null;
        }

        public string? RequiredString(YamlMappingNode mapping, Dictionary<string, YamlNode> fields, string key, string what, string hint)
        {
            if (!fields.TryGetValue(key, out var node))
            {
                Error(mapping.Start, $"{what} is missing '{key}'; add {hint}");
                return null;
            }

            var value = Scalar(node, key);
            if (string.IsNullOrWhiteSpace(value))
            {
                if (node is YamlScalarNode)
                {
                    Error(node.Start, $"'{key}' is empty; set it to {hint}");
                }

                return null;
            }

            return value;
        }

        /// <summary>A name or ref: a string as <see cref="RequiredString"/> reads it, and neither YAML's null nor holding a control character.</summary>
        public string? RequiredName(YamlMappingNode mapping, Dictionary<string, YamlNode> fields, string key, string what, string hint)
        {
            var value = RequiredString(mapping, fields, key, what, hint);
            if (value is null)
            {
                return null;
            }

            var node = fields[key];
            if (node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } && value is "~" or "null" or "Null" or "NULL")
            {
                // YAML reads these as null, not as text; they once became steps named "null" and "~" (issue 10, item 16).
                Error(node.Start, $"{what}'s '{key}' must be a string, not null; set it to {hint}, or quote it if you mean the word");
                return null;
            }

            return Printable(node, value, key) ? value : null;
        }

        /// <summary>False, with an error, when <paramref name="value"/> holds a character that would forge lines or terminal escapes in the messages that show it.</summary>
        public bool Printable(YamlNode node, string value, string key)
        {
            foreach (var c in value)
            {
                if (char.IsControl(c) || char.GetUnicodeCategory(c) is UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator)
                {
                    Error(node.Start, $"'{key}' holds the control character U+{((int)c).ToString("X4", CultureInfo.InvariantCulture)}; names are shown in every message, so use printable characters only");
                    return false;
                }
            }

            return true;
        }

        public bool Boolean(Dictionary<string, YamlNode> fields, string key)
        {
            if (!fields.TryGetValue(key, out var node) || Scalar(node, key) is not { } value)
            {
                return false;
            }

            switch (value)
            {
                case "true" or "True" or "TRUE":
                    return true;
                case "false" or "False" or "FALSE":
                    return false;
                default:
                    Error(node.Start, $"'{key}' must be true or false, not '{value}'");
                    return false;
            }
        }

        public TemplateSource Template(string pointer, YamlScalarNode scalar)
        {
            var text = scalar.Value ?? string.Empty;
            var quoted = scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted;

            // Positions in the text map to columns only when it sits on one line as written (no escapes to undo).
            var singleLine = scalar.Style is ScalarStyle.Plain or ScalarStyle.Any or ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted
                && scalar.Start.Line == scalar.End.Line
                && !(scalar.Style == ScalarStyle.DoubleQuoted && text.Length != scalar.End.Column - scalar.Start.Column - 2)
                && !(scalar.Style == ScalarStyle.SingleQuoted && text.Contains('\'', StringComparison.Ordinal));
            var start = At(scalar.Start);
            return new TemplateSource(pointer, text, quoted ? start with { Column = start.Column + 1 } : start, singleLine);
        }

        public string? OptionalString(Dictionary<string, YamlNode> fields, string key)
        {
            if (!fields.TryGetValue(key, out var node))
            {
                return null;
            }

            var value = Scalar(node, key);
            return string.IsNullOrWhiteSpace(value) ? null : value;
        }
    }
}
