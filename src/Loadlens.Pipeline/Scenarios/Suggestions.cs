using Loadlens.Core;
using Loadlens.Core.Scenarios;

namespace Loadlens.Pipeline.Scenarios;

/// <summary>"Did you mean" suggestions by edit distance.</summary>
internal static class Suggestions
{
    /// <summary>The closest candidate to <paramref name="input"/>, or null when none is close enough.</summary>
    public static string? Closest(string input, IEnumerable<string> candidates)
    {
        var normalizedInput = Normalize(input);
        if (normalizedInput.Length == 0)
        {
            return null;
        }

        var threshold = normalizedInput.Length <= 3 ? 1 : normalizedInput.Length <= 6 ? 2 : 3;
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in candidates)
        {
            var distance = Distance(normalizedInput, Normalize(candidate));
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return bestDistance <= threshold ? best : null;
    }

    /// <summary>" did you mean 'x'?" or an empty string.</summary>
    public static string DidYouMean(string input, IEnumerable<string> candidates)
        => Closest(input, candidates) is { } match ? $"; did you mean '{match}'?" : string.Empty;

    /// <summary>Optimal string alignment distance (Levenshtein plus adjacent transpositions).</summary>
    internal static int Distance(string a, string b)
    {
        if (a.Length > 64 || b.Length > 64)
        {
            return Math.Max(a.Length, b.Length); // long inputs are never typos of short keys
        }

        var d = new int[a.Length + 1, b.Length + 1];
        for (var i = 0; i <= a.Length; i++)
        {
            d[i, 0] = i;
        }

        for (var j = 0; j <= b.Length; j++)
        {
            d[0, j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                d[i, j] = Math.Min(Math.Min(d[i - 1, j] + 1, d[i, j - 1] + 1), d[i - 1, j - 1] + cost);
                if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                {
                    d[i, j] = Math.Min(d[i, j], d[i - 2, j - 2] + 1);
                }
            }
        }

        return d[a.Length, b.Length];
    }

    private static string Normalize(string s)
        => new(s.Where(c => c is not ('_' or '-' or ' ')).Select(char.ToLowerInvariant).ToArray());
}
