using TalkingBinaries.Protocol.Messages;
using TalkingBinaries.Workflow.DevFiles;
using TalkingBinaries.Workflow.Expressions;

namespace TalkingBinaries.Workflow.Planning;

/// <summary>
/// Warnings, for <c>tb validate</c>, about every <c>vars.NAME</c> that nothing declares and every
/// <c>steps.NAME.outputs.OUTPUT</c> that the step's plugin does not declare (docs/devfile.md, "Validation").
/// </summary>
/// <remarks>
/// A warning, not an error: a plugin may set what it does not declare, and the run checks each value when its step
/// starts. A path read as <c>default()</c>'s first argument is not warned about, since a missing value is what
/// <c>default()</c> is for; <c>||</c> gives no such shelter, because reading a missing variable is an error before
/// <c>||</c> is reached.
/// </remarks>
internal static class DeclarationChecks
{
    /// <summary>The warnings, in file order, for a DevFile whose expressions have passed <see cref="ExpressionChecks"/>.</summary>
    /// <param name="devFile">The loaded DevFile.</param>
    /// <param name="given">The variables <c>--var</c> and <c>--var-file</c> give.</param>
    /// <param name="declarations">What each plugin declared in its handshake, by ref; a ref missing or null declares nothing known.</param>
    /// <param name="asked">False when no plugin was asked (<c>--no-probe</c>), which the warnings then say.</param>
    public static IReadOnlyList<DevFileError> Warn(
        DevFile devFile, IEnumerable<string> given, IReadOnlyDictionary<string, PluginDeclarations?> declarations, bool asked)
    {
        ArgumentNullException.ThrowIfNull(devFile);
        var used = devFile.Steps.Select(step => step.Plugin).Distinct(StringComparer.Ordinal).ToList();
        var known = new HashSet<string>(devFile.Vars.Keys, StringComparer.Ordinal);
        known.UnionWith(given);
        var silent = new List<string>();
        foreach (var reference in used)
        {
            if (VariablesOf(devFile.Plugin(reference), declarations) is { } variables)
            {
                known.UnionWith(variables);
            }
            else
            {
                silent.Add(reference);
            }
        }

        // By name, once: looking each producer up among all the steps would make a long DevFile quadratic (issue 9).
        var pluginOfStep = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var step in devFile.Steps)
        {
            pluginOfStep.TryAdd(step.Name, step.Plugin);
        }

        var warnings = new List<DevFileError>();
        foreach (var step in devFile.Steps)
        {
            var sources = step.ConfigTemplates.Concat(step.TimeoutTemplate is { } timeout ? [timeout] : []).Concat(step.If is { } condition ? [condition] : []);
            foreach (var source in sources)
            {
                IReadOnlyList<Expression> expressions;
                try
                {
                    expressions = ExpressionChecks.Parse(source);
                }
                catch (ExpressionException)
                {
                    // ExpressionChecks has reported it as an error.
                    continue;
                }

                foreach (var expression in expressions)
                {
                    var guarded = new HashSet<int>();
                    Guarded(expression, guarded);
                    foreach (var reference in expression.References.Where(reference => !guarded.Contains(reference.Position)))
                    {
                        var problem = reference switch
                        {
                            { Root: "vars", Segments: [var name, ..] } when !known.Contains(name) => Variable(name, known, silent, asked),
                            { Root: "steps", Segments: [var other, "outputs", var output, ..] } => Output(pluginOfStep, other, output, declarations),
                            _ => null,
                        };
                        if (problem is not null)
                        {
                            warnings.Add(new DevFileError(source.At(reference.Position), $"in '{source.Text}': {problem}"));
                        }
                    }
                }
            }
        }

        return warnings;
    }

    // A seed-format plugin has no vars/set, so it sets no variables; a v1 plugin sets what it declares, if it does.
    private static IReadOnlyList<string>? VariablesOf(PluginDefinition plugin, IReadOnlyDictionary<string, PluginDeclarations?> declarations) =>
        plugin.Protocol == PluginProtocol.Seed ? [] : declarations.GetValueOrDefault(plugin.Ref)?.Variables;

    private static string Variable(string name, HashSet<string> known, List<string> silent, bool asked)
    {
        var suggestion = Suggestions.DidYouMean(name, known);
        var typo = suggestion.Length == 0 ? string.Empty : $"{suggestion[2..]} ";
        if (silent.Count == 0)
        {
            return $"'vars.{name}' is not declared by vars:, --var, --var-file or any plugin; {typo}"
                + $"declare it under vars:, pass --var {name}=VALUE, or have the plugin that sets it declare it";
        }

        var plugins = string.Join(", ", silent.Select(reference => $"'{reference}'"));
        var who = silent.Count == 1 ? $"plugin {plugins}" : $"plugins {plugins}";
        var why = asked ? $"{who} {(silent.Count == 1 ? "does" : "do")} not declare the variables {(silent.Count == 1 ? "it sets" : "they set")}" : $"{who} {(silent.Count == 1 ? "was" : "were")} not asked (--no-probe)";
        return $"'vars.{name}' is not declared by vars:, --var or --var-file; {why}, so it may be set while the run goes on; {typo}"
            + $"if not, declare it under vars: or pass --var {name}=VALUE";
    }

    private static string? Output(Dictionary<string, string> pluginOfStep, string other, string output, IReadOnlyDictionary<string, PluginDeclarations?> declarations)
    {
        // ExpressionChecks has already said when there is no such step.
        if (!pluginOfStep.TryGetValue(other, out var plugin)
            || declarations.GetValueOrDefault(plugin)?.Outputs is not { } outputs
            || outputs.Contains(output, StringComparer.Ordinal))
        {
            return null;
        }

        var listed = outputs.Count == 0 ? "no outputs" : $"the outputs {string.Join(", ", outputs)}";
        var suggestion = Suggestions.DidYouMean(output, outputs);
        var typo = suggestion.Length == 0 ? string.Empty : $"{suggestion[2..]} ";
        return $"step '{other}' uses plugin '{plugin}', which declares {listed}, not '{output}'; {typo}"
            + $"use a declared output, or have the plugin declare '{output}'";
    }

    // The paths read as default()'s first argument, by position: default() takes a missing value for null.
    private static void Guarded(Expression expression, HashSet<int> guarded)
    {
        switch (expression)
        {
            case CallExpression call:
                if (call.Function.Name == "default" && call.Arguments.Count > 0)
                {
                    guarded.UnionWith(call.Arguments[0].References.Select(reference => reference.Position));
                }

                foreach (var argument in call.Arguments)
                {
                    Guarded(argument, guarded);
                }

                break;
            case LogicalExpression logical:
                Guarded(logical.Left, guarded);
                Guarded(logical.Right, guarded);
                break;
            case ComparisonExpression comparison:
                Guarded(comparison.Left, guarded);
                Guarded(comparison.Right, guarded);
                break;
            case GroupExpression group:
                Guarded(group.Inner, guarded);
                break;
            case NotExpression not:
                Guarded(not.Operand, guarded);
                break;
            case IndexExpression index:
                Guarded(index.Target, guarded);
                Guarded(index.Index, guarded);
                break;
            case AccessExpression access:
                Guarded(access.Target, guarded);
                break;
        }
    }
}
