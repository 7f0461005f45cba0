using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>A step's <c>retry</c> (docs/devfile.md, "Retries").</summary>
public static partial class DevFileLoader
{
    private static readonly string[] RetryKeys = ["max", "delay", "backoff", "on"];
    private static readonly string[] FailureKinds = ["exit", "signal", "timeout", "error"];
    private static readonly TimeSpan DefaultRetryDelay = TimeSpan.FromSeconds(1);

    internal static IReadOnlyList<string> KnownRetryKeys => RetryKeys;

    internal static IReadOnlyList<string> KnownFailureKinds => FailureKinds;

    private static RetryPolicy? ReadRetry(Context context, YamlNode node)
    {
        if (node is not YamlMappingNode mapping)
        {
            context.Error(node.Start, "'retry' must be a mapping, e.g. 'retry: { max: 3, delay: 1s, backoff: 2 }'");
            return null;
        }

        var fields = context.Fields(mapping, RetryKeys, "in 'retry'");
        var valid = true;
        var max = 0;
        if (!fields.TryGetValue("max", out var maxNode))
        {
            context.Error(mapping.Start, "'retry' needs 'max', the number of retries after the first attempt, e.g. 'retry: { max: 3 }'");
            valid = false;
        }
        else if (context.Scalar(maxNode, "max") is { } maxText)
        {
            if (!int.TryParse(maxText, NumberStyles.None, CultureInfo.InvariantCulture, out max) || max < 1 || max > RetryPolicy.MaximumRetries)
            {
                context.Error(maxNode.Start, $"'max' must be a whole number of retries from 1 to {RetryPolicy.MaximumRetries}, not '{maxText}'");
                valid = false;
            }
        }
        else
        {
            valid = false;
        }

        var delay = DefaultRetryDelay;
        if (fields.TryGetValue("delay", out var delayNode) && context.Scalar(delayNode, "delay") is { } delayText)
        {
            if (!Durations.TryParse(delayText, out delay, out var problem))
            {
                context.Error(delayNode.Start, $"'delay' {problem}");
                valid = false;
            }
        }

        var backoff = 1.0;
        if (fields.TryGetValue("backoff", out var backoffNode) && context.Scalar(backoffNode, "backoff") is { } backoffText)
        {
            if (!double.TryParse(backoffText, NumberStyles.Float, CultureInfo.InvariantCulture, out backoff) || !(backoff >= 1 && backoff <= RetryPolicy.MaximumBackoff))
            {
                context.Error(backoffNode.Start, $"'backoff' must be a number from 1 to {RetryPolicy.MaximumBackoff} that multiplies the delay after each attempt, e.g. 2, not '{backoffText}'");
                valid = false;
            }
        }

        var codes = new List<int>();
        var kinds = new List<FailureKind>();
        if (fields.TryGetValue("on", out var onNode))
        {
            // "on: timeout" is short for "on: [timeout]".
            IEnumerable<YamlNode> items = onNode is YamlScalarNode { Value: not ("" or "~" or "null" or null) } ? [onNode] : context.Sequence(onNode, "on");
            foreach (var item in items)
            {
                if (context.Scalar(item, "on") is not { } text)
                {
                    valid = false;
                }
                else if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var code) && code is >= 1 and <= 255)
                {
                    codes.Add(code);
                }
                else if (Array.IndexOf(FailureKinds, text) is var index and >= 0)
                {
                    kinds.Add((FailureKind)index);
                }
                else
                {
                    context.Error(item.Start, $"'on' takes exit codes from 1 to 255 and the kinds of failure {string.Join(", ", FailureKinds)}, not '{text}'{Suggestions.DidYouMean(text, FailureKinds)}");
                    valid = false;
                }
            }
        }

        return valid ? new RetryPolicy(max, delay, backoff) { ExitCodes = codes, Kinds = kinds } : null;
    }
}
