using System.Collections.Frozen;

namespace Loadlens.Core.Sql;

/// <summary>What a <see cref="SqlToken"/> is.</summary>
internal enum SqlTokenKind
{
    /// <summary>An unquoted identifier (table, column, function name).</summary>
    Word,

    /// <summary>A reserved word from <see cref="SqlLexer.Keywords"/>; <see cref="SqlToken.Canon"/> is its upper-case spelling.</summary>
    Keyword,

    /// <summary>A quoted identifier: <c>"x"</c>, <c>`x`</c> or <c>[x]</c>, kept verbatim.</summary>
    QuotedIdentifier,

    /// <summary>A string, number, hex, bit, dollar-quoted or boolean literal (normalised to <c>?</c>).</summary>
    Literal,

    /// <summary>A parameter marker: <c>?</c>, <c>?1</c>, <c>$1</c>, <c>:name</c>, <c>@name</c>, <c>%s</c>, <c>%(name)s</c> (normalised to <c>?</c>).</summary>
    Parameter,

    /// <summary>A run of operator characters (<c>&lt;=</c>, <c>||</c>, <c>::</c>), or a single <c>+</c>/<c>-</c>.</summary>
    Operator,

    /// <summary>One of <c>( ) , ; . [ ]</c> and anything else.</summary>
    Punctuation,
}

/// <summary>A token of a SQL text: a range of the source plus its canonical spelling when it differs from the source.</summary>
internal readonly record struct SqlToken(SqlTokenKind Kind, int Start, int Length, string? Canon)
{
    /// <summary>The text this token is written as in a normal form.</summary>
    public ReadOnlySpan<char> Text(string source) => Canon is null ? source.AsSpan(Start, Length) : Canon.AsSpan();

    public bool Is(string source, string canonical) => Text(source).Equals(canonical, StringComparison.Ordinal);

    /// <summary>A value: a literal or parameter (both print as <c>?</c>).</summary>
    public bool IsValue => Kind is SqlTokenKind.Literal or SqlTokenKind.Parameter;

    /// <summary>An identifier, quoted or not.</summary>
    public bool IsIdentifier => Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier;
}

/// <summary>
/// A forgiving SQL lexer for the dialects applications send (SQLite, PostgreSQL, MySQL, SQL Server): it never throws;
/// an unterminated string, quoted identifier or comment runs to the end of the text. Comments and whitespace are dropped.
/// </summary>
internal static class SqlLexer
{
    /// <summary>
    /// Reserved words printed upper-case in a normal form. Deliberately conservative: words that are common column names
    /// (<c>name</c>, <c>key</c>, <c>type</c>, <c>first</c>, <c>date</c>…) are not keywords, so their case is kept.
    /// </summary>
    internal static readonly FrozenDictionary<string, string> Keywords = new[]
    {
        "SELECT", "FROM", "WHERE", "AND", "OR", "NOT", "IN", "IS", "NULL", "LIKE", "ILIKE", "GLOB", "BETWEEN", "EXISTS",
        "JOIN", "INNER", "LEFT", "RIGHT", "FULL", "OUTER", "CROSS", "NATURAL", "ON", "USING", "AS", "GROUP", "BY", "ORDER",
        "HAVING", "LIMIT", "OFFSET", "INSERT", "INTO", "VALUES", "UPDATE", "SET", "DELETE", "RETURNING", "DISTINCT", "UNION",
        "ALL", "EXCEPT", "INTERSECT", "CASE", "WHEN", "THEN", "ELSE", "END", "ASC", "DESC", "WITH", "RECURSIVE", "CREATE",
        "TABLE", "DROP", "ALTER", "PRIMARY", "FOREIGN", "REFERENCES", "CAST", "FETCH", "OVER", "PARTITION", "LATERAL", "ANY",
        "SOME", "COLLATE", "ESCAPE", "FOR", "NOWAIT", "CONFLICT", "DO", "NOTHING", "REPLACE", "IGNORE", "EXPLAIN", "BEGIN",
        "COMMIT", "ROLLBACK", "TOP", "MERGE", "MATCHED", "NULLS", "WINDOW", "DEFAULT", "ONLY", "MATERIALIZED",
    }.ToFrozenDictionary(k => k, k => k, StringComparer.OrdinalIgnoreCase);

    private static readonly FrozenDictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> KeywordLookup =
        Keywords.GetAlternateLookup<ReadOnlySpan<char>>();

    private const string OperatorChars = "<>=!~^&|*/%@#+-";

    /// <summary>Split <paramref name="sql"/> into tokens (comments and whitespace dropped).</summary>
    public static List<SqlToken> Tokenize(string sql)
    {
        var tokens = new List<SqlToken>(Math.Max(8, sql.Length / 3));
        Tokenize(sql, tokens);
        return tokens;
    }

    /// <summary>Append the tokens of <paramref name="sql"/> to <paramref name="tokens"/> (which must be empty).</summary>
    public static void Tokenize(string sql, List<SqlToken> tokens)
    {
        var s = sql.AsSpan();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
                continue;
            }

            if (c == '-' && At(s, i + 1) == '-')
            {
                var end = s[i..].IndexOfAny('\n', '\r');
                i = end < 0 ? s.Length : i + end;
                continue;
            }

            if (c == '/' && At(s, i + 1) == '*')
            {
                i = SkipBlockComment(s, i);
                continue;
            }

            var start = i;
            if (c == '\'')
            {
                i = SkipString(s, i, backslashEscapes: true);
                tokens.Add(new SqlToken(SqlTokenKind.Literal, start, i - start, "?"));
                continue;
            }

            if ((c is 'N' or 'n' or 'E' or 'e' or 'X' or 'x' or 'B' or 'b') && At(s, i + 1) == '\'')
            {
                i = SkipString(s, i + 1, backslashEscapes: true);
                tokens.Add(new SqlToken(SqlTokenKind.Literal, start, i - start, "?"));
                continue;
            }

            if ((c is 'U' or 'u') && At(s, i + 1) == '&' && At(s, i + 2) == '\'')
            {
                i = SkipString(s, i + 2, backslashEscapes: false);
                tokens.Add(new SqlToken(SqlTokenKind.Literal, start, i - start, "?"));
                continue;
            }

            if (c is '"' or '`')
            {
                i = SkipQuoted(s, i, c);
                tokens.Add(new SqlToken(SqlTokenKind.QuotedIdentifier, start, i - start, null));
                continue;
            }

            if (c == '[' && !IsSubscript(s, tokens))
            {
                var close = s[(i + 1)..].IndexOf(']');
                i = close < 0 ? s.Length : i + 1 + close + 1;
                tokens.Add(new SqlToken(SqlTokenKind.QuotedIdentifier, start, i - start, null));
                continue;
            }

            if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(At(s, i + 1))))
            {
                i = SkipNumber(s, i);
                tokens.Add(new SqlToken(SqlTokenKind.Literal, start, i - start, "?"));
                continue;
            }

            if ((c is '-' or '+') && IsUnarySign(s, i, tokens))
            {
                i = SkipNumber(s, i + 1);
                tokens.Add(new SqlToken(SqlTokenKind.Literal, start, i - start, "?"));
                continue;
            }

            if (c == '?')
            {
                i++;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                tokens.Add(new SqlToken(SqlTokenKind.Parameter, start, i - start, "?"));
                continue;
            }

            if (c == '$')
            {
                if (char.IsAsciiDigit(At(s, i + 1)))
                {
                    i++;
                    while (i < s.Length && char.IsAsciiDigit(s[i]))
                    {
                        i++;
                    }

                    tokens.Add(new SqlToken(SqlTokenKind.Parameter, start, i - start, "?"));
                    continue;
                }

                if (TryDollarQuote(s, i, out var after))
                {
                    i = after;
                    tokens.Add(new SqlToken(SqlTokenKind.Literal, start, i - start, "?"));
                    continue;
                }

                // SQLite's named parameter $name (not a dollar quote: no closing $tag$ follows).
                if (IsWordStart(At(s, i + 1)))
                {
                    i++;
                    while (i < s.Length && (char.IsLetterOrDigit(s[i]) || s[i] == '_'))
                    {
                        i++;
                    }

                    tokens.Add(new SqlToken(SqlTokenKind.Parameter, start, i - start, "?"));
                    continue;
                }
            }

            if (c == ':')
            {
                if (At(s, i + 1) == ':')
                {
                    i += 2;
                    tokens.Add(new SqlToken(SqlTokenKind.Operator, start, 2, null));
                    continue;
                }

                if (IsWordStart(At(s, i + 1)))
                {
                    i = SkipWord(s, i + 1);
                    tokens.Add(new SqlToken(SqlTokenKind.Parameter, start, i - start, "?"));
                    continue;
                }
            }

            if (c == '@')
            {
                if (At(s, i + 1) == '@' && IsWordStart(At(s, i + 2)))
                {
                    i = SkipWord(s, i + 2);
                    tokens.Add(new SqlToken(SqlTokenKind.Word, start, i - start, null));
                    continue;
                }

                if (IsWordStart(At(s, i + 1)))
                {
                    i = SkipWord(s, i + 1);
                    tokens.Add(new SqlToken(SqlTokenKind.Parameter, start, i - start, "?"));
                    continue;
                }
            }

            if (c == '%')
            {
                if (At(s, i + 1) == 's' && !IsWordPart(At(s, i + 2)))
                {
                    i += 2;
                    tokens.Add(new SqlToken(SqlTokenKind.Parameter, start, 2, "?"));
                    continue;
                }

                if (At(s, i + 1) == '(')
                {
                    var close = s[(i + 2)..].IndexOf(')');
                    if (close >= 0 && At(s, i + 2 + close + 1) == 's' && IsSimpleName(s.Slice(i + 2, close)))
                    {
                        i = i + 2 + close + 2;
                        tokens.Add(new SqlToken(SqlTokenKind.Parameter, start, i - start, "?"));
                        continue;
                    }
                }
            }

            if (IsWordStart(c))
            {
                i = SkipWord(s, i);
                var word = s[start..i];
                if (word.Equals("TRUE", StringComparison.OrdinalIgnoreCase) || word.Equals("FALSE", StringComparison.OrdinalIgnoreCase))
                {
                    tokens.Add(new SqlToken(SqlTokenKind.Literal, start, i - start, "?"));
                }
                else if (!AfterDot(tokens, sql) && KeywordLookup.TryGetValue(word, out var keyword))
                {
                    tokens.Add(new SqlToken(SqlTokenKind.Keyword, start, i - start, keyword));
                }
                else
                {
                    tokens.Add(new SqlToken(SqlTokenKind.Word, start, i - start, null));
                }

                continue;
            }

            if (OperatorChars.Contains(c, StringComparison.Ordinal))
            {
                i++;
                if (c is not '+' and not '-')
                {
                    while (i < s.Length && OperatorChars.Contains(s[i], StringComparison.Ordinal)
                           && !(s[i] == '-' && At(s, i + 1) == '-') && !(s[i] == '/' && At(s, i + 1) == '*')
                           && !(s[i] is '+' or '-'))
                    {
                        i++;
                    }
                }

                tokens.Add(new SqlToken(SqlTokenKind.Operator, start, i - start, null));
                continue;
            }

            i++;
            tokens.Add(new SqlToken(SqlTokenKind.Punctuation, start, 1, null));
        }
    }

    private static char At(ReadOnlySpan<char> s, int i) => (uint)i < (uint)s.Length ? s[i] : '\0';

    private static bool IsWordStart(char c) => char.IsLetter(c) || c == '_';

    private static bool IsWordPart(char c) => char.IsLetterOrDigit(c) || c is '_' or '$';

    private static bool IsSimpleName(ReadOnlySpan<char> s)
    {
        if (s.IsEmpty)
        {
            return false;
        }

        foreach (var c in s)
        {
            if (!IsWordPart(c))
            {
                return false;
            }
        }

        return true;
    }

    private static int SkipWord(ReadOnlySpan<char> s, int i)
    {
        while (i < s.Length && IsWordPart(s[i]))
        {
            i++;
        }

        return i;
    }

    private static int SkipBlockComment(ReadOnlySpan<char> s, int i)
    {
        // PostgreSQL nests block comments; the others do not, and a nested opener inside a comment is rare there.
        var depth = 0;
        while (i < s.Length)
        {
            if (s[i] == '/' && At(s, i + 1) == '*')
            {
                depth++;
                i += 2;
            }
            else if (s[i] == '*' && At(s, i + 1) == '/')
            {
                depth--;
                i += 2;
                if (depth == 0)
                {
                    return i;
                }
            }
            else
            {
                i++;
            }
        }

        return s.Length;
    }

    /// <summary>Skip a '…' string starting at the quote: '' is an embedded quote, and a backslash escapes the next character.</summary>
    private static int SkipString(ReadOnlySpan<char> s, int quote, bool backslashEscapes)
    {
        var i = quote + 1;
        while (i < s.Length)
        {
            var c = s[i];
            if (c == '\\' && backslashEscapes)
            {
                i += 2;
            }
            else if (c == '\'')
            {
                if (At(s, i + 1) == '\'')
                {
                    i += 2;
                }
                else
                {
                    return i + 1;
                }
            }
            else
            {
                i++;
            }
        }

        return s.Length;
    }

    private static int SkipQuoted(ReadOnlySpan<char> s, int quote, char q)
    {
        var i = quote + 1;
        while (i < s.Length)
        {
            if (s[i] == q)
            {
                if (At(s, i + 1) == q)
                {
                    i += 2;
                    continue;
                }

                return i + 1;
            }

            i++;
        }

        return s.Length;
    }

    private static int SkipNumber(ReadOnlySpan<char> s, int i)
    {
        if (At(s, i) == '0' && At(s, i + 1) is 'x' or 'X' && char.IsAsciiHexDigit(At(s, i + 2)))
        {
            i += 2;
            while (i < s.Length && char.IsAsciiHexDigit(s[i]))
            {
                i++;
            }

            return i;
        }

        while (i < s.Length && char.IsAsciiDigit(s[i]))
        {
            i++;
        }

        if (At(s, i) == '.' && At(s, i + 1) != '.')
        {
            i++;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }
        }

        if (At(s, i) is 'e' or 'E')
        {
            var j = i + 1;
            if (At(s, j) is '+' or '-')
            {
                j++;
            }

            if (char.IsAsciiDigit(At(s, j)))
            {
                i = j;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }
            }
        }

        return i;
    }

    private static bool TryDollarQuote(ReadOnlySpan<char> s, int i, out int after)
    {
        after = i;
        var j = i + 1;
        if (At(s, j) != '$')
        {
            if (!IsWordStart(At(s, j)))
            {
                return false;
            }

            while (j < s.Length && (char.IsLetterOrDigit(s[j]) || s[j] == '_'))
            {
                j++;
            }

            if (At(s, j) != '$')
            {
                return false;
            }
        }

        var tag = s[i..(j + 1)];
        var close = s[(j + 1)..].IndexOf(tag);
        after = close < 0 ? s.Length : j + 1 + close + tag.Length;
        return true;
    }

    /// <summary>A sign directly before a digit is part of the literal unless it follows an operand (then it is subtraction).</summary>
    private static bool IsUnarySign(ReadOnlySpan<char> s, int i, List<SqlToken> tokens)
    {
        var next = At(s, i + 1);
        if (!char.IsAsciiDigit(next) && !(next == '.' && char.IsAsciiDigit(At(s, i + 2))))
        {
            return false;
        }

        if (tokens.Count == 0)
        {
            return true;
        }

        var previous = tokens[^1];
        return previous.Kind switch
        {
            SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier or SqlTokenKind.Literal or SqlTokenKind.Parameter => false,
            SqlTokenKind.Keyword => previous.Canon is not ("NULL" or "END"),
            SqlTokenKind.Punctuation => s[previous.Start] is not (')' or ']'),
            _ => true,
        };
    }

    /// <summary>After an identifier, <c>)</c> or <c>]</c>, a <c>[</c> is a subscript (PostgreSQL arrays), else a quoted identifier.</summary>
    private static bool IsSubscript(ReadOnlySpan<char> s, List<SqlToken> tokens)
    {
        if (tokens.Count == 0)
        {
            return false;
        }

        var previous = tokens[^1];
        return previous.Kind is SqlTokenKind.Word or SqlTokenKind.QuotedIdentifier
               || (previous.Kind == SqlTokenKind.Punctuation && s[previous.Start] is ')' or ']');
    }

    private static bool AfterDot(List<SqlToken> tokens, string sql) =>
        tokens.Count > 0 && tokens[^1].Kind == SqlTokenKind.Punctuation && sql[tokens[^1].Start] == '.';
}
