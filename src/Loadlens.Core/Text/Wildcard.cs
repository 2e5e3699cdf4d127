namespace Loadlens.Core.Text;

/// <summary>
/// The glob matching every endpoint pattern uses (SLA targets, scenario checks): <c>*</c> matches any run of
/// characters, everything else matches itself (ordinal, case-sensitive), and the pattern must cover the whole text.
/// </summary>
internal static class Wildcard
{
    /// <summary>True when <paramref name="pattern"/> matches the whole of <paramref name="text"/>.</summary>
    /// <param name="pattern">The pattern, e.g. <c>GET /api/*</c>.</param>
    /// <param name="text">The text to match, e.g. an endpoint name.</param>
    public static bool IsMatch(string pattern, string text)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(text);

        // Iterative '*' matching with backtracking to the last star: linear in practice, no regex.
        int p = 0, t = 0, star = -1, mark = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && pattern[p] != '*' && pattern[p] == text[t])
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                mark = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}
