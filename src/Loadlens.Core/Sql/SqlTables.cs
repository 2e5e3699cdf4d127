namespace Loadlens.Core.Sql;

/// <summary>A table named in a statement, with the alias it goes by (the table name itself when there is none).</summary>
internal sealed record TableReference(string Table, string Alias);

/// <summary>Finds the tables after FROM, JOIN, UPDATE and INTO (not the FROM of <c>extract(x FROM y)</c>).</summary>
internal static class SqlTables
{
    /// <summary>The distinct table names in order of first appearance (names of WITH queries are not tables).</summary>
    public static IReadOnlyList<string> Find(string sql, List<SqlToken> tokens)
    {
        var names = new List<string>();
        var ctes = CommonTableExpressions(sql, tokens);
        foreach (var r in References(sql, tokens))
        {
            if (!names.Contains(r.Table, StringComparer.Ordinal) && !ctes.Contains(r.Table))
            {
                names.Add(r.Table);
            }
        }

        return names;
    }

    /// <summary>Every table reference with its alias.</summary>
    public static List<TableReference> References(string sql, List<SqlToken> tokens)
    {
        var result = new List<TableReference>();
        // For each open parenthesis: was it opened by a function call (identifier before it)? FROM inside one is not a table.
        var functionParens = new Stack<bool>();
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (SqlNormalizer.IsPunct(sql, t, '('))
            {
                functionParens.Push(i > 0 && tokens[i - 1].IsIdentifier);
                continue;
            }

            if (SqlNormalizer.IsPunct(sql, t, ')'))
            {
                if (functionParens.Count > 0)
                {
                    functionParens.Pop();
                }

                continue;
            }

            if (t.Kind != SqlTokenKind.Keyword || (functionParens.Count > 0 && functionParens.Peek()))
            {
                continue;
            }

            switch (t.Canon)
            {
                case "FROM" when !(i > 0 && tokens[i - 1].Canon == "DISTINCT"):
                    i = ReadList(sql, tokens, i + 1, result, list: true, columnList: false) - 1;
                    break;
                case "JOIN" or "UPDATE":
                    i = ReadList(sql, tokens, i + 1, result, list: false, columnList: false) - 1;
                    break;
                case "INTO":
                    // INSERT INTO t (a, b): the parenthesis is the column list, not a call.
                    i = ReadList(sql, tokens, i + 1, result, list: false, columnList: true) - 1;
                    break;
            }
        }

        return result;
    }

    /// <summary>Names defined by <c>WITH [RECURSIVE] name [(cols)] AS (…) [, name AS (…)]…</c>.</summary>
    internal static HashSet<string> CommonTableExpressions(string sql, List<SqlToken> tokens)
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        if (!tokens.Exists(t => t.Kind == SqlTokenKind.Keyword && t.Canon == "WITH"))
        {
            return names;
        }

        for (var i = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Kind != SqlTokenKind.Keyword || tokens[i].Canon != "WITH")
            {
                continue;
            }

            var j = i + 1;
            if (j < tokens.Count && tokens[j].Canon == "RECURSIVE")
            {
                j++;
            }

            while (j < tokens.Count && tokens[j].IsIdentifier)
            {
                var name = Unquote(tokens[j].Text(sql));
                j++;
                if (j < tokens.Count && SqlNormalizer.IsPunct(sql, tokens[j], '('))
                {
                    j = SqlNormalizer.MatchingClose(sql, tokens, j) + 1; // column list
                    if (j <= 0)
                    {
                        break;
                    }
                }

                if (j >= tokens.Count || tokens[j].Canon != "AS")
                {
                    break;
                }

                j++;
                if (j < tokens.Count && tokens[j].Canon == "NOT")
                {
                    j++; // AS NOT MATERIALIZED
                }

                if (j < tokens.Count && tokens[j].Canon == "MATERIALIZED")
                {
                    j++;
                }

                if (j >= tokens.Count || !SqlNormalizer.IsPunct(sql, tokens[j], '('))
                {
                    break;
                }

                names.Add(name);
                j = SqlNormalizer.MatchingClose(sql, tokens, j) + 1;
                if (j <= 0 || j >= tokens.Count || !SqlNormalizer.IsPunct(sql, tokens[j], ','))
                {
                    break;
                }

                j++;
            }
        }

        return names;
    }

    /// <summary>Read <c>name [AS] [alias] [, name [AS] [alias]]…</c> from <paramref name="i"/>; returns the index after it.</summary>
    private static int ReadList(string sql, List<SqlToken> tokens, int i, List<TableReference> result, bool list, bool columnList)
    {
        while (i < tokens.Count)
        {
            if (tokens[i].Kind == SqlTokenKind.Keyword && tokens[i].Canon is "ONLY" or "LATERAL")
            {
                i++;
                continue;
            }

            if (!TryReadName(sql, tokens, i, out var name, out var next, allowParenthesis: columnList))
            {
                return i;
            }

            i = next;
            var alias = Unqualified(name);
            if (i < tokens.Count && tokens[i].Kind == SqlTokenKind.Keyword && tokens[i].Canon == "AS")
            {
                i++;
            }

            if (i < tokens.Count && tokens[i].IsIdentifier && !(i + 1 < tokens.Count && SqlNormalizer.IsPunct(sql, tokens[i + 1], '(')))
            {
                alias = Unquote(tokens[i].Text(sql));
                i++;
            }

            result.Add(new TableReference(name, alias));
            if (!list || i >= tokens.Count || !SqlNormalizer.IsPunct(sql, tokens[i], ','))
            {
                return i;
            }

            i++;
        }

        return i;
    }

    /// <summary>A (possibly qualified) identifier at <paramref name="i"/>, not followed by <c>(</c> (a function).</summary>
    internal static bool TryReadName(string sql, List<SqlToken> tokens, int i, out string name, out int next, bool allowParenthesis = false)
    {
        name = "";
        next = i;
        if (i >= tokens.Count || !tokens[i].IsIdentifier)
        {
            return false;
        }

        var j = i + 1;
        while (j + 1 < tokens.Count && SqlNormalizer.IsPunct(sql, tokens[j], '.') && tokens[j + 1].IsIdentifier)
        {
            j += 2;
        }

        if (!allowParenthesis && j < tokens.Count && SqlNormalizer.IsPunct(sql, tokens[j], '('))
        {
            return false;
        }

        if (j == i + 1)
        {
            name = Unquote(tokens[i].Text(sql));
        }
        else
        {
            var parts = new List<string>();
            for (var k = i; k < j; k += 2)
            {
                parts.Add(Unquote(tokens[k].Text(sql)));
            }

            name = string.Join('.', parts);
        }

        next = j;
        return true;
    }

    internal static string Unqualified(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[(dot + 1)..];
    }

    /// <summary>The name inside <c>"…"</c>, <c>`…`</c> or <c>[…]</c> (doubled quotes undone); other text unchanged.</summary>
    internal static string Unquote(ReadOnlySpan<char> text)
    {
        if (text.Length >= 2)
        {
            var open = text[0];
            var close = text[^1];
            if ((open == '"' && close == '"') || (open == '`' && close == '`'))
            {
                return text[1..^1].ToString().Replace(new string(open, 2), open.ToString(), StringComparison.Ordinal);
            }

            if (open == '[' && close == ']')
            {
                return text[1..^1].ToString();
            }
        }

        return text.ToString();
    }
}
