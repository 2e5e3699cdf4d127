using Loadlens.Core.Sql;

namespace Loadlens.Evidence.Sql;

/// <summary>A column as written: <c>col</c> or <c>t.col</c> (qualifier = alias or table).</summary>
internal sealed record ColumnRef(string? Qualifier, string Column)
{
    public override string ToString() => Qualifier is null ? Column : $"{Qualifier}.{Column}";
}

/// <summary>How a column is constrained.</summary>
internal enum ConditionKind
{
    /// <summary><c>col = ?</c>, <c>col IN (?)</c>, <c>col IS NULL</c>.</summary>
    Equality,

    /// <summary><c>col &lt; ?</c>, <c>col &gt;= ?</c>, <c>col BETWEEN ? AND ?</c>.</summary>
    Range,

    /// <summary><c>a.x = b.y</c>: the column is compared with a column of another table.</summary>
    Join,
}

/// <summary>A condition of WHERE or JOIN … ON on one column.</summary>
internal sealed record Condition(ColumnRef Column, ConditionKind Kind, ColumnRef? Other);

/// <summary>What a <c>?</c> placeholder stands for.</summary>
internal enum PlaceholderRole
{
    Unknown,
    Equality,
    Range,
    Assignment,
    InsertValue,
    Limit,
    Offset,
}

/// <summary>The <paramref name="Ordinal"/>-th (1-based) <c>?</c> of the normal form and the column it is compared with or assigned to.</summary>
internal sealed record Placeholder(int Ordinal, PlaceholderRole Role, ColumnRef? Column);

/// <summary>The parts of a statement the index advisor and the PostgreSQL binder need.</summary>
internal sealed record StatementShape(
    IReadOnlyList<TableReference> Tables,
    IReadOnlyList<Condition> Conditions,
    IReadOnlyList<ColumnRef> OrderBy,
    IReadOnlyList<Placeholder> Placeholders)
{
    /// <summary>The table a column belongs to: by alias/table qualifier, else the only table, else null (unknown).</summary>
    public string? TableOf(ColumnRef column, Func<string, string, bool>? tableHasColumn = null)
    {
        if (column.Qualifier is { } q)
        {
            foreach (var t in Tables)
            {
                if (string.Equals(t.Alias, q, StringComparison.OrdinalIgnoreCase) || string.Equals(t.Table, q, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(SqlTables.Unqualified(t.Table), q, StringComparison.OrdinalIgnoreCase))
                {
                    return t.Table;
                }
            }

            return null;
        }

        var distinct = Tables.Select(t => t.Table).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        if (distinct.Count == 1)
        {
            return distinct[0];
        }

        if (tableHasColumn is not null)
        {
            var owners = distinct.Where(t => tableHasColumn(t, column.Column)).ToList();
            return owners.Count == 1 ? owners[0] : null;
        }

        return null;
    }
}

/// <summary>
/// A small, forgiving parser over a normal form (see <see cref="SqlNormalizer"/>) for <c>col = ?</c>, <c>t.col = ?</c>,
/// <c>? = col</c>, <c>col &gt; ?</c>, <c>col IN (?)</c>, <c>col BETWEEN ? AND ?</c>, <c>col IS NULL</c>, <c>a.x = b.y</c>,
/// ORDER BY columns, and the role of each <c>?</c> (compared, assigned, inserted, LIMIT, OFFSET). Anything else is skipped.
/// </summary>
internal static class SqlPredicates
{
    public static StatementShape Parse(string sql)
    {
        var tokens = SqlLexer.Tokenize(sql);
        var tables = SqlTables.References(sql, tokens);
        var conditions = new List<Condition>();
        var orderBy = new List<ColumnRef>();
        var roles = new Dictionary<int, (PlaceholderRole Role, ColumnRef? Column)>();

        // Index of each value token among the values (1-based), in order.
        var ordinals = new Dictionary<int, int>();
        for (int i = 0, n = 0; i < tokens.Count; i++)
        {
            if (tokens[i].Kind == SqlTokenKind.Parameter || tokens[i].Kind == SqlTokenKind.Literal)
            {
                ordinals[i] = ++n;
            }
        }

        var clause = "";
        for (var i = 0; i < tokens.Count; i++)
        {
            var t = tokens[i];
            if (t.Kind == SqlTokenKind.Keyword)
            {
                switch (t.Canon)
                {
                    case "SELECT" or "FROM" or "WHERE" or "ON" or "SET" or "GROUP" or "HAVING" or "VALUES" or "RETURNING" or "JOIN" or "USING" or "INTO":
                        clause = t.Canon;
                        break;
                    case "ORDER" when i + 1 < tokens.Count && tokens[i + 1].Canon == "BY":
                        clause = "ORDER";
                        i = ReadOrderBy(sql, tokens, i + 2, orderBy) - 1;
                        continue;
                    case "LIMIT" or "OFFSET" or "FETCH":
                        clause = t.Canon;
                        if (i + 1 < tokens.Count && ordinals.TryGetValue(i + 1, out var o))
                        {
                            roles[o] = (t.Canon == "OFFSET" ? PlaceholderRole.Offset : PlaceholderRole.Limit, null);
                        }

                        break;
                }

                if (t.Canon == "INTO")
                {
                    i = ReadInsert(sql, tokens, i, ordinals, roles) - 1;
                }

                continue;
            }

            if (clause is not ("WHERE" or "ON" or "SET" or "HAVING") || !TryColumnAt(sql, tokens, i, out var column, out var after))
            {
                continue;
            }

            if (after >= tokens.Count)
            {
                break;
            }

            var op = tokens[after];
            var opText = op.Text(sql);
            if (op.Kind == SqlTokenKind.Operator && opText is "=" or "==" or "<" or ">" or "<=" or ">=")
            {
                var equality = opText is "=" or "==";
                var rhs = after + 1;
                if (rhs < tokens.Count && tokens[rhs].IsValue && !ContinuesExpression(sql, tokens, rhs + 1))
                {
                    if (clause == "SET")
                    {
                        roles[ordinals[rhs]] = (PlaceholderRole.Assignment, column);
                    }
                    else
                    {
                        conditions.Add(new Condition(column, equality ? ConditionKind.Equality : ConditionKind.Range, null));
                        roles[ordinals[rhs]] = (equality ? PlaceholderRole.Equality : PlaceholderRole.Range, column);
                    }
                }
                else if (clause != "SET" && equality && TryColumnAt(sql, tokens, rhs, out var other, out var otherEnd) && !ContinuesExpression(sql, tokens, otherEnd))
                {
                    conditions.Add(new Condition(column, ConditionKind.Join, other));
                    conditions.Add(new Condition(other, ConditionKind.Join, column));
                }

                i = after;
            }
            else if (op.Kind == SqlTokenKind.Keyword && clause != "SET")
            {
                switch (op.Canon)
                {
                    case "IN" when after + 3 < tokens.Count && SqlNormalizer.IsPunct(sql, tokens[after + 1], '(') && tokens[after + 2].IsValue
                                                          && SqlNormalizer.IsPunct(sql, tokens[after + 3], ')'):
                        conditions.Add(new Condition(column, ConditionKind.Equality, null));
                        roles[ordinals[after + 2]] = (PlaceholderRole.Equality, column);
                        break;
                    case "IS" when after + 1 < tokens.Count && tokens[after + 1].Canon == "NULL":
                        conditions.Add(new Condition(column, ConditionKind.Equality, null));
                        break;
                    case "LIKE" or "ILIKE" or "GLOB" when after + 1 < tokens.Count && tokens[after + 1].IsValue:
                        // Not a condition for index advice: a plain b-tree index serves LIKE only for a prefix pattern and a
                        // matching collation/operator class. The placeholder still gets a typical value of the column.
                        roles[ordinals[after + 1]] = (PlaceholderRole.Range, column);
                        break;
                    case "BETWEEN" when after + 3 < tokens.Count && tokens[after + 1].IsValue && tokens[after + 2].Canon == "AND" && tokens[after + 3].IsValue:
                        conditions.Add(new Condition(column, ConditionKind.Range, null));
                        roles[ordinals[after + 1]] = (PlaceholderRole.Range, column);
                        roles[ordinals[after + 3]] = (PlaceholderRole.Range, column);
                        break;
                }

                i = after;
            }
        }

        // ? = col (value on the left).
        for (var i = 0; i + 2 < tokens.Count; i++)
        {
            if (tokens[i].IsValue && !roles.ContainsKey(ordinals[i]) && tokens[i + 1].Kind == SqlTokenKind.Operator
                && tokens[i + 1].Text(sql) is "=" or "==" && TryColumnAt(sql, tokens, i + 2, out var column, out var end)
                && !ContinuesExpression(sql, tokens, end) && !(i > 0 && IsExpressionOperator(sql, tokens[i - 1])))
            {
                conditions.Add(new Condition(column, ConditionKind.Equality, null));
                roles[ordinals[i]] = (PlaceholderRole.Equality, column);
            }
        }

        var placeholders = ordinals.Values.Order()
            .Select(o => roles.TryGetValue(o, out var r) ? new Placeholder(o, r.Role, r.Column) : new Placeholder(o, PlaceholderRole.Unknown, null))
            .ToList();
        return new StatementShape(tables, conditions, orderBy, placeholders);
    }

    /// <summary>A column reference starting at <paramref name="i"/> that is not part of a larger expression on its left.</summary>
    private static bool TryColumnAt(string sql, List<SqlToken> tokens, int i, out ColumnRef column, out int after)
    {
        column = null!;
        after = i;
        if (i < tokens.Count && i > 0 && (SqlNormalizer.IsPunct(sql, tokens[i - 1], '.') || IsExpressionOperator(sql, tokens[i - 1])))
        {
            return false;
        }

        if (!SqlTables.TryReadName(sql, tokens, i, out var name, out after))
        {
            return false;
        }

        var dot = name.LastIndexOf('.');
        column = dot < 0 ? new ColumnRef(null, name) : new ColumnRef(name[..dot], name[(dot + 1)..]);
        return true;
    }

    private static bool IsExpressionOperator(string sql, SqlToken t) =>
        t.Kind == SqlTokenKind.Operator && t.Text(sql) is "+" or "-" or "*" or "/" or "%" or "||" or "::";

    private static bool ContinuesExpression(string sql, List<SqlToken> tokens, int i) =>
        i < tokens.Count && (IsExpressionOperator(sql, tokens[i]) || SqlNormalizer.IsPunct(sql, tokens[i], '.'));

    private static int ReadOrderBy(string sql, List<SqlToken> tokens, int i, List<ColumnRef> orderBy)
    {
        while (i < tokens.Count)
        {
            if (!TryColumnAt(sql, tokens, i, out var column, out var after) || ContinuesExpression(sql, tokens, after))
            {
                return i;
            }

            orderBy.Add(column);
            i = after;
            while (i < tokens.Count && tokens[i].Kind == SqlTokenKind.Keyword && tokens[i].Canon is "ASC" or "DESC" or "NULLS")
            {
                i++;
                if (i < tokens.Count && tokens[i].Kind == SqlTokenKind.Word)
                {
                    i++; // NULLS FIRST / LAST
                }
            }

            if (i >= tokens.Count || !SqlNormalizer.IsPunct(sql, tokens[i], ','))
            {
                return i;
            }

            i++;
        }

        return i;
    }

    /// <summary><c>INTO t (a, b) VALUES (?, ?)</c>: the i-th value goes into the i-th column.</summary>
    private static int ReadInsert(string sql, List<SqlToken> tokens, int into, Dictionary<int, int> ordinals, Dictionary<int, (PlaceholderRole, ColumnRef?)> roles)
    {
        var i = into + 1;
        if (!SqlTables.TryReadName(sql, tokens, i, out _, out i, allowParenthesis: true) || i >= tokens.Count || !SqlNormalizer.IsPunct(sql, tokens[i], '('))
        {
            return into + 1;
        }

        var close = SqlNormalizer.MatchingClose(sql, tokens, i);
        var columns = new List<ColumnRef>();
        for (var k = i + 1; k < close; k++)
        {
            if (tokens[k].IsIdentifier)
            {
                columns.Add(new ColumnRef(null, SqlTables.Unquote(tokens[k].Text(sql))));
            }
        }

        if (close < 0 || close + 2 >= tokens.Count || tokens[close + 1].Canon != "VALUES" || !SqlNormalizer.IsPunct(sql, tokens[close + 2], '('))
        {
            return into + 1;
        }

        var valuesClose = SqlNormalizer.MatchingClose(sql, tokens, close + 2);
        var position = 0;
        var depth = 0;
        for (var k = close + 3; k < valuesClose; k++)
        {
            var t = tokens[k];
            if (SqlNormalizer.IsPunct(sql, t, '('))
            {
                depth++;
            }
            else if (SqlNormalizer.IsPunct(sql, t, ')'))
            {
                depth--;
            }
            else if (depth == 0 && SqlNormalizer.IsPunct(sql, t, ','))
            {
                position++;
            }
            else if (depth == 0 && t.IsValue && position < columns.Count && ordinals.TryGetValue(k, out var o))
            {
                roles[o] = (PlaceholderRole.InsertValue, columns[position]);
            }
        }

        return valuesClose < 0 ? tokens.Count : valuesClose + 1;
    }
}
