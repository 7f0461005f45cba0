using System.Text.Json;

namespace TalkingBinaries.Workflow.Expressions;

/// <summary>A step along a path: <c>target.member</c> or <c>target[index]</c>.</summary>
/// <remarks>
/// A path that is not there is an error naming the path as written up to that step, except inside <c>default()</c>'s
/// first argument, where it is an undefined value that every later step passes along.
/// </remarks>
internal abstract class AccessExpression(string source, Expression target, int end)
    : Expression(source, target.Position, end - target.Position)
{
    private const int MembersListed = 10;

    public Expression Target { get; } = target;

    /// <summary>The segment this step adds to a reference, or null when it is computed.</summary>
    public abstract string? Segment { get; }

    internal override JsonElement Evaluate(EvaluationScope scope)
    {
        var target = Target.Evaluate(scope);
        if (target.ValueKind == JsonValueKind.Undefined && scope.Lenient)
        {
            return default;
        }

        var value = Access(target, scope, out var key);
        if (value.ValueKind != JsonValueKind.Undefined || scope.Lenient)
        {
            return value;
        }

        throw Error($"'{Text}' is not defined; {Explain(target, key)}");
    }

    /// <summary>Only the outermost step of a path collects: one reference for the whole path, then what its computed indexes read.</summary>
    internal override void Collect(List<ExpressionReference> references, List<string> functions)
    {
        var steps = new List<AccessExpression>();
        Expression start = this;
        while (start is AccessExpression step)
        {
            steps.Add(step);
            start = step.Target;
        }

        steps.Reverse();
        if (start is NameExpression name)
        {
            var segments = steps.Select(step => step.Segment).TakeWhile(segment => segment is not null).ToList();
            var end = segments.Count == 0 ? name.End : steps[segments.Count - 1].End;
            references.Add(new ExpressionReference(name.Name, segments!, name.Position, end - name.Position));
        }
        else
        {
            start.Collect(references, functions);
        }

        foreach (var step in steps)
        {
            step.CollectIndex(references, functions);
        }
    }

    /// <summary>The value at this step of <paramref name="target"/>, or an undefined value; <paramref name="key"/> is the index used, if any.</summary>
    private protected abstract JsonElement Access(JsonElement target, EvaluationScope scope, out JsonElement key);

    /// <summary>Why <see cref="Access"/> found nothing, to follow "is not defined; ".</summary>
    private protected abstract string Explain(JsonElement target, JsonElement key);

    /// <summary>Adds what the index expression reads, if this step has one.</summary>
    private protected abstract void CollectIndex(List<ExpressionReference> references, List<string> functions);

    /// <summary>"vars has a, b and c", to say what could have been written instead.</summary>
    private protected string Members(JsonElement target)
    {
        var names = target.EnumerateObject().Select(member => member.Name).ToList();
        if (names.Count == 0)
        {
            return $"{Target.Text} has no members";
        }

        var listed = names.Take(MembersListed).ToList();
        var list = names.Count > MembersListed
            ? $"{string.Join(", ", listed)} and {names.Count - MembersListed} more"
            : listed.Count == 1 ? listed[0] : $"{string.Join(", ", listed.Take(listed.Count - 1))} and {listed[^1]}";
        return $"{Target.Text} has {list}";
    }

    /// <summary>"vars.name is a string", to say why a step cannot be taken.</summary>
    private protected string Kind(JsonElement target) =>
        target.ValueKind == JsonValueKind.Undefined ? $"{Target.Text} is not defined" : $"{Target.Text} is {JsonValues.Describe(target)}";
}
