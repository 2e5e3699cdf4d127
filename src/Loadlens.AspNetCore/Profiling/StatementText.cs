using System.Collections.Concurrent;
using Loadlens.Core.Sql;

namespace Loadlens.AspNetCore.Profiling;

/// <summary>
/// The normal form of a command's text (<see cref="SqlNormalizer"/>), cached by the raw text: an application runs the
/// same parameterised texts again and again. The cache is bounded; texts with inlined literals that never repeat stop
/// being cached once it is full and are normalised each time. Only the text is ever read, never the parameters.
/// </summary>
internal static class StatementText
{
    private const int MaxEntries = 4_096;
    private const int MaxCachedLength = 4_096;
    private static readonly ConcurrentDictionary<string, string> s_cache = new(StringComparer.Ordinal);

    public static string Normalize(string? commandText)
    {
        if (string.IsNullOrEmpty(commandText))
        {
            return string.Empty;
        }

        if (s_cache.TryGetValue(commandText, out var normal))
        {
            return normal;
        }

        normal = SqlNormalizer.Normalize(commandText).Text;
        if (s_cache.Count < MaxEntries && commandText.Length <= MaxCachedLength)
        {
            s_cache.TryAdd(commandText, normal);
        }

        return normal;
    }
}
