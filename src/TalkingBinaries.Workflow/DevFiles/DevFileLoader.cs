using System.Text.Json;
using TalkingBinaries.Hosting.Integrity;
using TalkingBinaries.Hosting.Packages;
using TalkingBinaries.Workflow.Variables;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>Reads and validates a DevFile, collecting every problem with its line and column before anything runs.</summary>
public static partial class DevFileLoader
{
    private static readonly string[] TopLevelKeys = ["plugins", "steps", "max_parallel", "vars", "secrets"];
    private static readonly string[] PluginKeys = ["ref", "name", "path", "source", "sha256", "protocol", "warm", "executor"];
    private static readonly string[] Protocols = ["v1", "seed"];

    /// <summary>Loads the DevFile at <paramref name="path"/>.</summary>
    /// <exception cref="DevFileException">It cannot be read, is not valid YAML, or breaks a rule of docs/devfile.md.</exception>
    public static DevFile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = Path.GetFullPath(path);
        var text = ConfigFiles.Read(fullPath, "DevFile");

        return Parse(text, fullPath);
    }

    /// <summary>Parses DevFile <paramref name="text"/>; <paramref name="path"/> names it in errors and anchors relative paths.</summary>
    public static DevFile Parse(string text, string path)
    {
        ArgumentNullException.ThrowIfNull(text);
        var context = new Context(Path.GetFullPath(path));
        ConfigFiles.CheckLength(text, context.File, "DevFile");
        YamlStream stream;
        try
        {
            stream = LimitedYamlParser.Load(text, context.File, YamlLimits.DevFileFraming);
        }
        catch (YamlException exception)
        {
            throw new DevFileException([YamlSyntax.Error(exception, text, context.File, "invalid YAML", "; fix the syntax (indent with spaces, and quote values that contain ': ' or start with a special character)")]);
        }

        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            var where = stream.Documents.Count == 0 ? new SourceLocation(context.File, 1, 1) : context.At(stream.Documents[0].RootNode.Start);
            throw new DevFileException([new DevFileError(where, "a DevFile must be a mapping with 'plugins:' and 'steps:' (see docs/devfile.md)")]);
        }

        var plugins = new List<PluginDefinition>();
        var steps = new List<StepDefinition>();
        int? maxParallel = null;
        var vars = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var secrets = new List<string>();
        foreach (var (keyNode, value) in root.Children)
        {
            var key = context.Key(keyNode, TopLevelKeys, "at the top level");
            switch (key)
            {
                case "plugins":
                    foreach (var item in context.Sequence(value, "plugins"))
                    {
                        if (ReadPlugin(context, item) is { } plugin)
                        {
                            plugins.Add(plugin);
                        }
                    }

                    break;
                case "steps":
                    foreach (var item in context.Sequence(value, "steps"))
                    {
                        steps.AddRange(ReadStep(context, item));
                    }

                    break;
                case "vars":
                    if (value is YamlMappingNode varsMapping)
                    {
                        foreach (var (nameNode, varValue) in varsMapping.Children)
                        {
                            var varName = (nameNode as YamlScalarNode)?.Value ?? string.Empty;
                            if (!VariableNames.IsValid(varName))
                            {
                                context.Error(nameNode.Start, $"'{varName}' is not a variable name; use letters, digits, '_' and '-', starting with a letter or '_'");
                            }

                            vars[varName] = YamlJson.ToJson(varValue, context.File);
                        }
                    }
                    else if (value is not YamlScalarNode { Value: "" or "~" or "null" or null })
                    {
                        context.Error(value.Start, "'vars' must be a mapping of names to values, e.g. 'vars: { region: eu-west-1 }'");
                    }

                    break;
                case "secrets":
                    foreach (var item in context.Sequence(value, "secrets"))
                    {
                        if (context.Scalar(item, "secrets") is { Length: > 0 } secretName)
                        {
                            secrets.Add(secretName);
                        }
                    }

                    break;
                case "max_parallel":
                    var limitText = context.Scalar(value, "max_parallel");
                    if (int.TryParse(limitText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var limit) && limit > 0)
                    {
                        maxParallel = limit;
                    }
                    else if (limitText is not null)
                    {
                        context.Error(value.Start, $"'max_parallel' must be a whole number of at least 1, not '{limitText}'");
                    }

                    break;
            }
        }

        if (!root.Children.Keys.OfType<YamlScalarNode>().Any(key => key.Value == "steps"))
        {
            context.Error(root.Start, "the DevFile has no 'steps:'; add at least one step (see docs/devfile.md)");
        }

        ExpandMatrixNeeds(steps);
        CheckReferences(context, plugins, steps);
        if (context.Errors.Count == 0)
        {
            context.Errors.AddRange(Planning.StepGraph.Validate(steps));
        }

        if (context.Errors.Count == 0)
        {
            context.Errors.AddRange(Planning.ExpressionChecks.Validate(steps));
        }

        if (context.Errors.Count > 0)
        {
            throw new DevFileException(context.Errors.Distinct().OrderBy(error => error.Location.Line).ThenBy(error => error.Location.Column).ToList());
        }

        return new DevFile(context.File, plugins, steps) { MaxParallel = maxParallel, Vars = vars, Secrets = secrets };
    }

    private static PluginDefinition? ReadPlugin(Context context, YamlNode node)
    {
        if (context.Mapping(node, "a plugin", "ref: echo") is not { } mapping)
        {
            return null;
        }

        var fields = context.Fields(mapping, PluginKeys, "in a plugin");
        var reference = context.RequiredName(mapping, fields, "ref", "a plugin", "the name steps use, e.g. 'ref: echo'");
        var name = context.OptionalString(fields, "name");
        var path = context.OptionalString(fields, "path");
        var protocol = PluginProtocol.V1;
        if (fields.TryGetValue("protocol", out var protocolNode))
        {
            var value = context.Scalar(protocolNode, "protocol");
            if (value == "seed")
            {
                protocol = PluginProtocol.Seed;
            }
            else if (value is not null && value != "v1")
            {
                context.Error(protocolNode.Start, $"unknown protocol '{value}'; use 'v1' (the default) or 'seed' (the prototype's format){Suggestions.DidYouMean(value, Protocols)}");
            }
        }

        var warm = !fields.ContainsKey("warm") || context.Boolean(fields, "warm");
        PackageSource? source = null;
        if (context.OptionalString(fields, "source") is { } sourceText)
        {
            if (!PackageSource.TryParse(sourceText, out source, out var problem))
            {
                context.Error(fields["source"].Start, $"'source': {problem}");
            }
            else if (name is not null || path is not null)
            {
                context.Error(fields["source"].Start, $"a plugin comes from one place: give 'source' or '{(path is not null ? "path" : "name")}', not both");
            }
        }

        var sha256 = context.OptionalString(fields, "sha256");
        if (sha256 is not null && !PluginDigest.IsValid(sha256))
        {
            context.Error(fields["sha256"].Start, $"'sha256' must be 64 hexadecimal digits, as 'sha256sum' prints them (for a package, see 'tb lock'), not '{sha256}'");
            sha256 = null;
        }

        return reference is null ? null : new PluginDefinition(reference, name, path, protocol, context.At(mapping.Start))
        {
            Warm = warm,
            Source = source,
            Sha256 = sha256?.ToLowerInvariant(),
            Executor = fields.TryGetValue("executor", out var executor) ? ReadExecutor(context, executor) ?? ExecutorDefinition.Local : ExecutorDefinition.Local,
        };
    }

    private static void CheckReferences(Context context, List<PluginDefinition> plugins, List<StepDefinition> steps)
    {
        var refs = new Dictionary<string, PluginDefinition>(StringComparer.Ordinal);
        foreach (var plugin in plugins)
        {
            if (!refs.TryAdd(plugin.Ref, plugin))
            {
                context.Errors.Add(new DevFileError(plugin.Location, $"plugin ref '{plugin.Ref}' is declared twice (first at line {refs[plugin.Ref].Location.Line}); give each plugin its own ref"));
            }
        }

        var names = new Dictionary<string, StepDefinition>(StringComparer.Ordinal);
        foreach (var step in steps)
        {
            if (!names.TryAdd(step.Name, step))
            {
                context.Errors.Add(new DevFileError(step.Location, $"step name '{step.Name}' is used twice (first at line {names[step.Name].Location.Line}); step names must be unique"));
            }

            // A matrix step's own name is what 'needs' and 'tb run --step' use: it must name nothing else.
            if (step.Matrix is { } matrix && !names.TryAdd(matrix.Step, step) && names[matrix.Step].Location != step.Location)
            {
                context.Errors.Add(new DevFileError(step.Location, $"step name '{matrix.Step}' is used twice (first at line {names[matrix.Step].Location.Line}); step names must be unique, matrix steps' included"));
            }

            if (!refs.ContainsKey(step.Plugin))
            {
                var known = refs.Count == 0 ? "none are declared" : $"declared: {string.Join(", ", refs.Keys)}";
                context.Errors.Add(new DevFileError(step.Location, $"step '{step.Name}' uses plugin '{step.Plugin}', which is not under 'plugins:' ({known}){Suggestions.DidYouMean(step.Plugin, refs.Keys)}"));
            }
        }
    }
}
