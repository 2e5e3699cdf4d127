namespace Loadlens.Core.Sql;

/// <summary>A statement in its normal form (the grouping key) and the tables it names.</summary>
/// <param name="Text">Literals and parameter markers as <c>?</c>, <c>IN (…)</c> value lists as <c>IN (?)</c>, repeated
/// <c>VALUES</c> tuples as one, keywords upper-case, comments removed, single spaces.</param>
/// <param name="Tables">Tables named after FROM, JOIN, UPDATE and INTO, in order of first appearance, quotes removed
/// (<c>schema.table</c> when qualified).</param>
/// <param name="StatementCount">Statements separated by <c>;</c> (a trailing <c>;</c> does not count).</param>
internal sealed record NormalizedStatement(string Text, IReadOnlyList<string> Tables, int StatementCount);

/// <summary>
/// Normalises SQL for grouping: two executions of the same statement with different values have the same normal form.
/// Never throws; idempotent (<c>Normalize(Normalize(x).Text).Text == Normalize(x).Text</c>).
/// </summary>
internal static class SqlNormalizer
{
    // Token lists reused per thread: Normalize runs for every DB span the receiver sees and calls nothing re-entrant.
    [ThreadStatic]
    private static List<SqlToken>? t_tokens;

    [ThreadStatic]
    private static List<SqlToken>? t_collapsed;

    /// <summary>The normal form of <paramref name="sql"/>.</summary>
    public static NormalizedStatement Normalize(string sql)
    {
        ArgumentNullException.ThrowIfNull(sql);
        var tokens = t_tokens ??= new List<SqlToken>(64);
        tokens.Clear();
        SqlLexer.Tokenize(sql, tokens);
        var collapsed = Collapse(sql, tokens);
        var text = Render(sql, collapsed);
        return new NormalizedStatement(text, SqlTables.Find(sql, collapsed), CountStatements(sql, collapsed));
    }

    /// <summary>Drop the repeats of <c>IN (?, ?, …)</c> and <c>VALUES (…), (…)</c>.</summary>
    private static List<SqlToken> Collapse(string sql, List<SqlToken> tokens)
    {
        if (!tokens.Exists(t => t.Kind == SqlTokenKind.Keyword && t.Canon is "IN" or "VALUES"))
        {
            return tokens; // nothing to collapse: no copy
        }

        var result = t_collapsed ??= new List<SqlToken>(64);
        result.Clear();
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            result.Add(t);
            if (t.Kind != SqlTokenKind.Keyword)
            {
                continue;
            }

            if (t.Canon == "IN" && i + 2 < tokens.Count && IsPunct(sql, tokens[i + 1], '(') && IsValueList(sql, tokens, i + 2, out var close))
            {
                result.Add(tokens[i + 1]);
                result.Add(new SqlToken(SqlTokenKind.Parameter, tokens[i + 2].Start, tokens[i + 2].Length, "?"));
                result.Add(tokens[close]);
                i = close;
            }
            else if (t.Canon == "VALUES" && i + 1 < tokens.Count && IsPunct(sql, tokens[i + 1], '('))
            {
                var first = MatchingClose(sql, tokens, i + 1);
                if (first < 0)
                {
                    continue;
                }

                for (var k = i + 1; k <= first; k++)
                {
                    result.Add(tokens[k]);
                }

                var next = first + 1;
                while (next + 1 < tokens.Count && IsPunct(sql, tokens[next], ',') && IsPunct(sql, tokens[next + 1], '('))
                {
                    var end = MatchingClose(sql, tokens, next + 1);
                    if (end < 0 || !SameText(sql, tokens, i + 1, first, next + 1, end))
                    {
                        break;
                    }

                    next = end + 1;
                }

                i = next - 1;
            }
        }

        return result;
    }

    /// <summary>Values (literals, parameters, NULL) separated by commas from <paramref name="start"/> up to a <c>)</c>.</summary>
    private static bool IsValueList(string sql, List<SqlToken> tokens, int start, out int close)
    {
        close = -1;
        var i = start;
        while (i < tokens.Count)
        {
            var t = tokens[i];
            if (!(t.IsValue || (t.Kind == SqlTokenKind.Keyword && t.Canon == "NULL")))
            {
                return false;
            }

            i++;
            if (i >= tokens.Count)
            {
                return false;
            }

            if (IsPunct(sql, tokens[i], ')'))
            {
                close = i;
                return true;
            }

            if (!IsPunct(sql, tokens[i], ','))
            {
                return false;
            }

            i++;
        }

        return false;
    }

    internal static int MatchingClose(string sql, List<SqlToken> tokens, int open)
    {
        var depth = 0;
        for (var i = open; i < tokens.Count; i++)
        {
            if (IsPunct(sql, tokens[i], '('))
            {
                depth++;
            }
            else if (IsPunct(sql, tokens[i], ')'))
            {
                depth--;
                if (depth == 0)
                {
                    return i;
                }
            }
        }

        return -1;
    }

    private static bool SameText(string sql, List<SqlToken> tokens, int aStart, int aEnd, int bStart, int bEnd)
    {
        if (aEnd - aStart != bEnd - bStart)
        {
            return false;
        }

        for (var k = 0; k <= aEnd - aStart; k++)
        {
            var a = tokens[aStart + k];
            var b = tokens[bStart + k];
            if (a.Kind != b.Kind || !a.Text(sql).SequenceEqual(b.Text(sql)))
            {
                return false;
            }
        }

        return true;
    }

    internal static bool IsPunct(string sql, SqlToken t, char c) =>
        t.Kind == SqlTokenKind.Punctuation && sql[t.Start] == c;

    private static int CountStatements(string sql, List<SqlToken> tokens)
    {
        var count = 0;
        var open = false;
        foreach (var t in tokens)
        {
            if (IsPunct(sql, t, ';'))
            {
                if (open)
                {
                    count++;
                }

                open = false;
            }
            else
            {
                open = true;
            }
        }

        return open ? count + 1 : count;
    }

    /// <summary>Join the tokens with single spaces, except inside <c>t.col</c>, <c>f(x)</c>, <c>a[i]</c>, <c>x::int</c> and before <c>, ; )</c>.</summary>
    private static string Render(string sql, List<SqlToken> tokens)
    {
        // Each token is at most as long as its source text and adds at most one space.
        var rented = System.Buffers.ArrayPool<char>.Shared.Rent(sql.Length + tokens.Count + 1);
        try
        {
            var buffer = rented.AsSpan();
            var length = 0;
            for (var i = 0; i < tokens.Count; i++)
            {
                var t = tokens[i];
                if (i > 0 && NeedsSpace(sql, tokens[i - 1], t))
                {
                    buffer[length++] = ' ';
                }

                var text = t.Text(sql);
                text.CopyTo(buffer[length..]);
                length += text.Length;
            }

            return new string(buffer[..length]);
        }
        finally
        {
            System.Buffers.ArrayPool<char>.Shared.Return(rented);
        }
    }

    private static bool NeedsSpace(string sql, SqlToken previous, SqlToken current)
    {
        if (previous.Kind == SqlTokenKind.Punctuation && sql[previous.Start] is '(' or '.' or '[')
        {
            return false;
        }

        // x::int, ?::text, (a)::text; but ": ::" keeps its space (":::" would lex differently).
        if (previous.Kind == SqlTokenKind.Operator && previous.Text(sql) is "::" && current.IsIdentifier)
        {
            return false;
        }

        if (current.Kind == SqlTokenKind.Operator && current.Text(sql) is "::"
            && (previous.IsIdentifier || previous.IsValue || (previous.Kind == SqlTokenKind.Punctuation && sql[previous.Start] is ')' or ']')))
        {
            return false;
        }

        if (current.Kind == SqlTokenKind.Punctuation)
        {
            var c = sql[current.Start];
            if (c is ')' or ',' or ';' or '.' or ']')
            {
                return false;
            }

            if (c is '(' or '[' && previous.IsIdentifier)
            {
                return false;
            }
        }

        return true;
    }
}
