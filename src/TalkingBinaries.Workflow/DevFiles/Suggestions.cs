namespace TalkingBinaries.Workflow.DevFiles;

/// <summary>"Did you mean" for misspelt keys and refs.</summary>
internal static class Suggestions
{
    /// <summary>"; did you mean 'x'?" for the closest candidate within a small edit distance, else "".</summary>
    public static string DidYouMean(string typed, IEnumerable<string> candidates)
    {
        var best = candidates
            .Select(candidate => (Candidate: candidate, Distance: Distance(typed.ToUpperInvariant(), candidate.ToUpperInvariant())))
            .Where(pair => pair.Distance <= Math.Max(2, typed.Length / 3))
            .OrderBy(pair => pair.Distance)
            .FirstOrDefault();
        return best.Candidate is null ? string.Empty : $"; did you mean '{best.Candidate}'?";
    }

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
