using YamlDotNet.RepresentationModel;

namespace TalkingBinaries.Workflow.DevFiles;

public static partial class DevFileLoader
{
    private static readonly string[] StepKeys = ["name", "plugin", "config", "parallel", "needs", "timeout", "continue_on_error", "if", "executor", "description", "retry", "matrix", "inputs", "outputs"];

    /// <summary>The step an entry of <c>steps:</c> declares, or its instances when it has a <c>matrix</c>; none when it is not valid.</summary>
    private static IEnumerable<StepDefinition> ReadStep(Context context, YamlNode node)
    {
        if (context.Mapping(node, "a step", "name: build") is not { } mapping)
        {
            return [];
        }

        var fields = context.Fields(mapping, StepKeys, "in a step");
        var name = context.RequiredName(mapping, fields, "name", "a step", "a unique name, e.g. 'name: build'");
        var plugin = context.RequiredName(mapping, fields, "plugin", "a step", "the ref of a plugin under 'plugins:'");
        var config = YamlJson.EmptyObject;
        var templates = new List<TemplateSource>();
        if (fields.TryGetValue("config", out var configNode))
        {
            if (configNode is YamlMappingNode)
            {
                config = YamlJson.ToJson(configNode, context.File);
                foreach (var (pointer, scalar) in YamlJson.Scalars(configNode))
                {
                    // Not only strings with an expression: "$${{" alone must still become "${{" (issue 10, item 15).
                    if (scalar.Value is { } text && Expressions.Template.IsTemplate(text))
                    {
                        templates.Add(context.Template(pointer, scalar));
                    }
                }
            }
            else if (!(configNode is YamlScalarNode { Value: "" or "~" or "null" or null }))
            {
                context.Error(configNode.Start, "'config' must be a mapping of keys to values, e.g. 'config: { say: hello }'");
            }
        }

        var parallel = context.Boolean(fields, "parallel");
        var continueOnError = context.Boolean(fields, "continue_on_error");
        TimeSpan? timeout = null;
        TemplateSource? timeoutTemplate = null;
        if (fields.TryGetValue("timeout", out var timeoutNode) && context.Scalar(timeoutNode, "timeout") is { } timeoutText)
        {
            if (Expressions.Template.Contains(timeoutText))
            {
                timeoutTemplate = context.Template("timeout", (YamlScalarNode)timeoutNode);
            }
            else if (!Durations.TryParse(timeoutText, out var duration, out var problem))
            {
                context.Error(timeoutNode.Start, $"'timeout' {problem}");
            }
            else if (duration > TimeSpan.Zero)
            {
                timeout = duration;
            }
            else
            {
                context.Error(timeoutNode.Start, $"'timeout' must be a duration above zero such as 30s, 2m or 500ms, not '{timeoutText}'");
            }
        }

        TemplateSource? condition = null;
        if (fields.TryGetValue("if", out var ifNode) && context.Scalar(ifNode, "if") is { Length: > 0 })
        {
            condition = context.Template("if", (YamlScalarNode)ifNode);
        }

        string? description = null;
        if (fields.TryGetValue("description", out var descriptionNode))
        {
            description = ReadDescription(context, descriptionNode);
        }

        IReadOnlyList<StepReference>? needs = null;
        if (fields.TryGetValue("needs", out var needsNode))
        {
            needs = ReadNeeds(context, needsNode);
        }

        var matrix = fields.TryGetValue("matrix", out var matrixNode) ? ReadMatrix(context, matrixNode) : null;
        if (name is null || plugin is null || (matrixNode is not null && matrix is null))
        {
            return [];
        }

        var step = new StepDefinition(name, plugin, config, parallel, context.At(mapping.Start))
        {
            Needs = needs,
            Timeout = timeout,
            ContinueOnError = continueOnError,
            If = condition,
            TimeoutTemplate = timeoutTemplate,
            ConfigTemplates = templates,
            Executor = fields.TryGetValue("executor", out var executor) ? ReadExecutor(context, executor) : null,
            Description = description,
            Retry = fields.TryGetValue("retry", out var retry) ? ReadRetry(context, retry) : null,
            Inputs = fields.TryGetValue("inputs", out var inputs) ? ReadFileSet(context, inputs, "inputs") : null,
            OutputFiles = fields.TryGetValue("outputs", out var outputFiles) ? ReadFileSet(context, outputFiles, "outputs") : null,
        };
        return matrix is null ? [step] : ExpandMatrix(step, matrix);
    }

    private static string? ReadDescription(Context context, YamlNode node)
    {
        if (node is not YamlScalarNode scalar)
        {
            context.Error(node.Start, "'description' must be a string, e.g. 'description: builds the app', not a list or mapping");
            return null;
        }

        // A plain ~ or null is YAML's null: no description, as if the key were absent.
        if (scalar.Value is null or "" || (scalar.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any && scalar.Value is "~" or "null" or "Null" or "NULL"))
        {
            return null;
        }

        // Shown on terminals by tb list and tb run --dry-run: no character may forge lines or escapes there.
        return context.Printable(node, scalar.Value, "description") ? scalar.Value : null;
    }

    private static List<StepReference> ReadNeeds(Context context, YamlNode node)
    {
        // "needs: build" is short for "needs: [build]".
        IEnumerable<YamlNode> items = node is YamlScalarNode { Value: not ("" or "~" or "null" or null) } ? [node] : context.Sequence(node, "needs");
        var needs = new List<StepReference>();
        foreach (var item in items)
        {
            if (context.Scalar(item, "needs") is { Length: > 0 } needed && context.Printable(item, needed, "needs"))
            {
                needs.Add(new StepReference(needed, context.At(item.Start)));
            }
        }

        return needs;
    }
}
