using System.Text.Json;
using TalkingBinaries.Workflow.DevFiles;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace TalkingBinaries.Workflow.Variables;

/// <summary>A file of variables for <c>tb run --var-file</c>: a YAML (or JSON) mapping of names to values.</summary>
/// <remarks>A <c>secrets</c> key holds a mapping of secret names to text; those are seen as <c>secrets.NAME</c> and masked.</remarks>
/// <param name="Variables">The variables it sets, by name.</param>
/// <param name="Secrets">The secrets under its <c>secrets</c> key, by name.</param>
public sealed record VarFile(IReadOnlyDictionary<string, JsonElement> Variables, IReadOnlyDictionary<string, string> Secrets)
{
    /// <summary>Reads <paramref name="path"/>; errors name the file, line and column.</summary>
    /// <exception cref="DevFileException">The file cannot be read or is not a mapping of variables.</exception>
    public static VarFile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var fullPath = Path.GetFullPath(path);
        var text = ConfigFiles.Read(fullPath, "var-file");

        YamlStream stream;
        try
        {
            stream = LimitedYamlParser.Load(text, fullPath, YamlLimits.VarFileFraming);
        }
        catch (YamlException exception)
        {
            throw new DevFileException([YamlSyntax.Error(exception, text, fullPath, "invalid YAML or JSON", string.Empty)]);
        }

        var variables = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        var secrets = new Dictionary<string, string>(StringComparer.Ordinal);
        if (stream.Documents.Count == 0)
        {
            return new VarFile(variables, secrets);
        }

        if (stream.Documents[0].RootNode is not YamlMappingNode root)
        {
            throw new DevFileException([Error(fullPath, stream.Documents[0].RootNode.Start, "a var-file must be a mapping of names to values, e.g. 'region: eu-west-1'")]);
        }

        var errors = new List<DevFileError>();
        foreach (var (keyNode, value) in root.Children)
        {
            var name = (keyNode as YamlScalarNode)?.Value ?? string.Empty;
            if (name == "secrets" && value is not YamlMappingNode and not YamlScalarNode { Value: "" or "~" or "null" or null })
            {
                errors.Add(Error(fullPath, value.Start, "'secrets' must be a mapping of secret names to text, e.g. 'secrets: { token: abc123 }'"));
            }
            else if (name == "secrets")
            {
                // An empty 'secrets:' sets none.
                IEnumerable<KeyValuePair<YamlNode, YamlNode>> secretNodes = value is YamlMappingNode mapping ? mapping.Children : [];
                foreach (var (secretKey, secretValue) in secretNodes)
                {
                    var secretName = (secretKey as YamlScalarNode)?.Value ?? string.Empty;
                    if (secretValue is YamlScalarNode { Value: { } secret } && VariableNames.IsValid(secretName))
                    {
                        secrets[secretName] = secret;
                    }
                    else
                    {
                        errors.Add(Error(fullPath, secretKey.Start, $"secret '{secretName}' must have a valid name and a text value"));
                    }
                }
            }
            else if (VariableNames.IsValid(name))
            {
                variables[name] = YamlJson.ToJson(value, fullPath);
            }
            else
            {
                errors.Add(Error(fullPath, keyNode.Start, $"'{name}' is not a variable name; use letters, digits, '_' and '-', starting with a letter or '_'"));
            }
        }

        return errors.Count == 0 ? new VarFile(variables, secrets) : throw new DevFileException(errors);
    }

    private static DevFileError Error(string file, Mark mark, string message) =>
        new(new SourceLocation(file, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column)), message);
}
