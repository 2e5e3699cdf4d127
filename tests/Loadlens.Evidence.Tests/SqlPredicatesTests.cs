using Loadlens.Core.Sql;
using Loadlens.Evidence.Sql;

namespace Loadlens.Evidence.Tests;

public class SqlPredicatesTests
{
    private static StatementShape Parse(string sql) => SqlPredicates.Parse(SqlNormalizer.Normalize(sql).Text);

    private static string Conditions(StatementShape s) => string.Join(", ", s.Conditions.Select(c => $"{c.Column} {c.Kind}{(c.Other is null ? "" : " " + c.Other)}"));

    [Theory]
    [InlineData("SELECT * FROM chefs WHERE cuisine_type = ?", "cuisine_type Equality")]
    [InlineData("SELECT * FROM chefs c WHERE c.cuisine_type = 'x' AND c.rating > 3 AND ? = c.id", "c.cuisine_type Equality, c.rating Range, c.id Equality")]
    [InlineData("SELECT * FROM t WHERE a IN (1, 2) AND b BETWEEN 1 AND 5 AND c IS NULL AND d LIKE 'x%' AND e <> 1 AND f NOT IN (1)", "a Equality, b Range, c Equality")]
    [InlineData("SELECT * FROM a JOIN b ON a.x = b.y", "a.x Join b.y, b.y Join a.x")]
    [InlineData("SELECT * FROM t WHERE lower(email) = ? AND a + 1 = ? AND b = c + 1 AND t.d = ?", "t.d Equality")]
    [InlineData("UPDATE chefs SET name = ? WHERE id = ?", "id Equality")]
    public void Finds_indexable_conditions(string sql, string expected) => Conditions(Parse(sql)).ShouldBe(expected);

    [Fact]
    public void Placeholders_get_their_column_and_role()
    {
        var shape = Parse("SELECT * FROM bookings b WHERE b.guests = $1 AND b.day >= $2 AND lower(b.note) = $3 ORDER BY b.day DESC, b.id LIMIT $4 OFFSET $5");
        shape.Placeholders.Select(p => $"{p.Ordinal}:{p.Role}:{p.Column}").ShouldBe(
            ["1:Equality:b.guests", "2:Range:b.day", "3:Unknown:", "4:Limit:", "5:Offset:"]);
        shape.OrderBy.Select(c => c.ToString()).ShouldBe(["b.day", "b.id"]);
        shape.TableOf(new ColumnRef("b", "day")).ShouldBe("bookings");

        var insert = Parse("INSERT INTO bookings (chef_id, day, guests) VALUES (1, now(), 3)");
        insert.Placeholders.Select(p => $"{p.Role}:{p.Column}").ShouldBe(["InsertValue:chef_id", "InsertValue:guests"]);

        var update = Parse("UPDATE chefs SET rating = 5, name = 'x' WHERE id = 7");
        update.Placeholders.Select(p => $"{p.Role}:{p.Column}").ShouldBe(["Assignment:rating", "Assignment:name", "Equality:id"]);
    }

    [Fact]
    public void Unqualified_columns_are_resolved_by_the_table_that_has_them()
    {
        var shape = Parse("SELECT * FROM chefs c JOIN bookings b ON b.chef_id = c.id WHERE guests = ?");
        var guests = shape.Conditions.Single(c => c.Column.Column == "guests").Column;
        shape.TableOf(guests).ShouldBeNull(); // two tables, no schema: unknown
        shape.TableOf(guests, (t, c) => t == "bookings" && c == "guests").ShouldBe("bookings");
    }
}
