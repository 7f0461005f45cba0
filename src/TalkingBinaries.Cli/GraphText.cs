using System.Globalization;
using System.Text;
using TalkingBinaries.Workflow.Planning;

namespace TalkingBinaries.Cli;

/// <summary>The needs graph as Mermaid or Graphviz DOT text: an arrow from each step to each step that waits for it.</summary>
/// <remarks>Arrows written in <c>needs</c> are solid; those file order implies (a step without <c>needs</c>) are dashed.</remarks>
internal static class GraphText
{
    public static GraphListing Listing(string devFile, IReadOnlyList<StepSummary> steps) => new(
        devFile,
        steps.Select(step => new GraphNode(step.Name, step.Plugin, step.If, step.Description)).ToList(),
        steps.SelectMany(step => step.WaitsFor.Select(dependency => new GraphEdge(dependency, step.Name, step.Needs is not null))).ToList());

    /// <summary>Mermaid: node ids are s0, s1, ... in file order, so no name can break the syntax; names are quoted labels.</summary>
    public static string Mermaid(GraphListing graph)
    {
        var ids = graph.Nodes.Select((node, index) => (node.Id, Index: index)).ToDictionary(pair => pair.Id, pair => "s" + pair.Index.ToString(CultureInfo.InvariantCulture), StringComparer.Ordinal);
        var text = new StringBuilder("flowchart TD\n");
        foreach (var node in graph.Nodes)
        {
            text.Append(CultureInfo.InvariantCulture, $"    {ids[node.Id]}[\"{MermaidLabel(node.Id)}\"]\n");
        }

        foreach (var edge in graph.Edges)
        {
            text.Append(CultureInfo.InvariantCulture, $"    {ids[edge.From]} {(edge.Written ? "-->" : "-.->")} {ids[edge.To]}\n");
        }

        return text.ToString();
    }

    /// <summary>Graphviz DOT: every id is a double-quoted string, so spaces, quotes and any Unicode are safe.</summary>
    public static string Dot(GraphListing graph)
    {
        var text = new StringBuilder("digraph steps {\n    node [shape=box];\n");
        foreach (var node in graph.Nodes)
        {
            text.Append(CultureInfo.InvariantCulture, $"    {DotId(node.Id)};\n");
        }

        foreach (var edge in graph.Edges)
        {
            text.Append(CultureInfo.InvariantCulture, $"    {DotId(edge.From)} -> {DotId(edge.To)}{(edge.Written ? string.Empty : " [style=dashed]")};\n");
        }

        return text.Append("}\n").ToString();
    }

    // Inside a quoted Mermaid label, '"' ends the label and '#' starts an entity; both, and '<' '>' (read as HTML), are written as entities.
    private static string MermaidLabel(string name)
    {
        var label = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            label.Append(c switch
            {
                '"' => "#quot;",
                '#' => "#35;",
                '<' => "#lt;",
                '>' => "#gt;",
                _ => c.ToString(),
            });
        }

        return label.ToString();
    }

    // In a DOT quoted string '"' is escaped as \"; a backslash is doubled so that "\n" in a name is not read as a line break in its label.
    private static string DotId(string name) => "\"" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";
}
