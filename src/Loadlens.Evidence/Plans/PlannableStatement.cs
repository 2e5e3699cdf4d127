using System.Text;
using Loadlens.Core.Sql;

namespace Loadlens.Evidence.Plans;

/// <summary>The checks and rewrites both planners share.</summary>
internal static class PlannableStatement
{
    private static readonly string[] Plannable = ["SELECT", "WITH", "INSERT", "UPDATE", "DELETE", "VALUES", "REPLACE"];

    /// <summary>
    /// Normalise <paramref name="statement"/> and refuse anything but one SELECT / WITH / INSERT / UPDATE / DELETE / VALUES:
    /// EXPLAIN does not execute its statement, but a second statement after a <c>;</c> would be executed.
    /// </summary>
    public static NormalizedStatement Check(string statement)
    {
        var normal = SqlNormalizer.Normalize(statement);
        if (normal.StatementCount != 1)
        {
            throw new QueryPlanException(normal.StatementCount == 0
                ? "cannot plan an empty statement"
                : $"cannot plan {normal.StatementCount} statements at once: {Shorten(normal.Text)}");
        }

        var first = normal.Text.Split(' ', 2)[0].TrimStart('(');
        if (!Plannable.Contains(first, StringComparer.Ordinal))
        {
            throw new QueryPlanException($"only SELECT, WITH, INSERT, UPDATE and DELETE statements are planned, not {Shorten(normal.Text)}");
        }

        return normal;
    }

    /// <summary>The normal form with its n-th <c>?</c> (1-based) replaced by <paramref name="value"/>(n); a trailing <c>;</c> dropped.</summary>
    public static string ReplaceValues(string normal, Func<int, string> value)
    {
        var tokens = SqlLexer.Tokenize(normal);
        var sb = new StringBuilder(normal.Length + 16);
        var last = 0;
        var n = 0;
        foreach (var t in tokens)
        {
            if (t.IsValue)
            {
                sb.Append(normal, last, t.Start - last).Append(value(++n));
                last = t.Start + t.Length;
            }
        }

        sb.Append(normal, last, normal.Length - last);
        return sb.ToString().TrimEnd().TrimEnd(';').TrimEnd();
    }

    internal static string Shorten(string text) => text.Length <= 120 ? text : text[..117] + "...";
}
