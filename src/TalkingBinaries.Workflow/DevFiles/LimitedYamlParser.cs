using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>A YAML parser that stops, with the file, line and column, at nesting or alias expansion beyond <see cref="YamlLimits"/>.</summary>
/// <remarks>
/// The events are checked as the representation model reads them, before it recurses into a node or shares an aliased
/// one, so no input can overflow the stack (that model is recursive) or expand into more nodes than the limit.
/// </remarks>
internal sealed class LimitedYamlParser : IParser
{
    private readonly Parser _parser;
    private readonly string _file;
    private readonly int _maxDepth;
    private readonly Stack<Frame> _open = new();
    private readonly Dictionary<string, Frame> _anchors = new(StringComparer.Ordinal);
    private long _aliasNodes;

    private LimitedYamlParser(string text, string file, int framingDepth)
    {
        _parser = new Parser(new StringReader(text));
        _file = file;
        _maxDepth = framingDepth + YamlLimits.MaxValueDepth;
    }

    /// <inheritdoc/>
    public ParsingEvent? Current => _parser.Current;

    /// <summary>Reads <paramref name="text"/> into documents; <paramref name="file"/> names it in errors.</summary>
    /// <param name="text">The YAML (or JSON) text.</param>
    /// <param name="file">The file's full path.</param>
    /// <param name="framingDepth">How many levels of the file may sit above a value (<see cref="YamlLimits.DevFileFraming"/>, <see cref="YamlLimits.VarFileFraming"/>).</param>
    /// <exception cref="YamlException">The text is not YAML.</exception>
    /// <exception cref="DevFileException">It is nested too deep, an alias names an unknown or unfinished anchor, or aliases expand too far.</exception>
    public static YamlStream Load(string text, string file, int framingDepth)
    {
        var stream = new YamlStream();
        var parser = new LimitedYamlParser(text, file, framingDepth);
        try
        {
            stream.Load(parser);
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // Found by fuzzing: on some broken input the YAML library fails with these instead of a syntax error
            // (an alias where a key belongs, a flow collection closed too often). It is one, where reading stopped.
            var at = parser.Current?.Start ?? Mark.Empty;
            throw new YamlException(at, at, "the YAML cannot be read from here (an alias or a bracket where it cannot be?)", exception);
        }

        return stream;
    }

    /// <inheritdoc/>
    public bool MoveNext()
    {
        if (!_parser.MoveNext())
        {
            return false;
        }

        switch (_parser.Current)
        {
            case MappingStart or SequenceStart:
                var start = (NodeEvent)_parser.Current;
                if (_open.Count >= _maxDepth)
                {
                    throw Error(start.Start, YamlLimits.TooDeep);
                }

                _open.Push(new Frame(start.Anchor.IsEmpty ? null : start.Anchor.Value) { Nodes = 1, Height = 1 });
                break;
            case MappingEnd or SequenceEnd:
                var done = _open.Pop();
                if (done.Anchor is { } anchor)
                {
                    _anchors[anchor] = done;
                }

                AddToParent(done.Nodes, done.Height);
                break;
            case Scalar scalar:
                if (!scalar.Anchor.IsEmpty)
                {
                    _anchors[scalar.Anchor.Value] = new Frame(scalar.Anchor.Value) { Nodes = 1, Height = 0 };
                }

                AddToParent(1, 0);
                break;
            case AnchorAlias alias:
                Expand(alias);
                break;
            case DocumentStart:
                // An anchor names a node of its own document only.
                _anchors.Clear();
                break;
        }

        return true;
    }

    private void Expand(AnchorAlias alias)
    {
        var name = alias.Value.Value;
        if (!_anchors.TryGetValue(name, out var named))
        {
            throw Error(alias.Start, _open.Any(frame => frame.Anchor == name)
                ? $"the alias '*{name}' is inside the node its anchor names, which would repeat without end; refer to it from outside"
                : $"the alias '*{name}' names no anchor above it; define '&{name}' on a value before using '*{name}'");
        }

        if (_open.Count + named.Height > _maxDepth)
        {
            throw Error(alias.Start, YamlLimits.TooDeep);
        }

        _aliasNodes += named.Nodes;
        if (_aliasNodes > YamlLimits.MaxAliasNodes)
        {
            throw Error(alias.Start, $"aliases ('*name') expand to more than {YamlLimits.MaxAliasNodes.ToString("N0", CultureInfo.InvariantCulture)} values; write the values out or repeat less");
        }

        AddToParent(named.Nodes, named.Height);
    }

    private void AddToParent(long nodes, int height)
    {
        if (_open.TryPeek(out var parent))
        {
            parent.Nodes += nodes;
            parent.Height = Math.Max(parent.Height, height + 1);
        }
    }

    private DevFileException Error(Mark mark, string message) =>
        new([new DevFileError(new SourceLocation(_file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column)), message)]);

    /// <summary>A list or mapping being read, or a finished anchored node: how many nodes it expands to and how many levels deep.</summary>
    private sealed class Frame(string? anchor)
    {
        public string? Anchor { get; } = anchor;

        public long Nodes { get; set; }

        public int Height { get; set; }
    }
}
