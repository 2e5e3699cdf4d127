using FsCheck;
using FsCheck.Fluent;
using Loadlens.Core.Sql;

namespace Loadlens.Evidence.Tests;

public class SqlNormalizerTests
{
    private static string N(string sql) => SqlNormalizer.Normalize(sql).Text;

    [Theory]
    [InlineData("SELECT * FROM chefs WHERE cuisine_type = 'it''s'", "SELECT * FROM chefs WHERE cuisine_type = ?")]
    [InlineData(@"SELECT * FROM chefs WHERE name = 'O\'Brien' AND id = 3", "SELECT * FROM chefs WHERE name = ? AND id = ?")]
    [InlineData(@"SELECT 'a\\' , 'b'", "SELECT ?, ?")]
    [InlineData("SELECT * FROM t WHERE x = -5 AND y > -1.5e-3 AND z < +2", "SELECT * FROM t WHERE x = ? AND y > ? AND z < ?")]
    [InlineData("SELECT 1e10, .5, 3., 0x1F, 6.02E+23, X'ABCD', B'0101'", "SELECT ?, ?, ?, ?, ?, ?, ?")]
    [InlineData("select a-1, a - 1, a -1, (-1), a*-2 from t", "SELECT a - ?, a - ?, a - ?, (?), a * ? FROM t")]
    [InlineData("SELECT * FROM chefs WHERE id IN ( 1 , 2 )", "SELECT * FROM chefs WHERE id IN (?)")]
    [InlineData("SELECT * FROM chefs WHERE id IN ($1, $2, $3) AND x NOT IN ('a', NULL)", "SELECT * FROM chefs WHERE id IN (?) AND x NOT IN (?)")]
    [InlineData("SELECT * FROM chefs WHERE id IN (SELECT chef_id FROM bookings WHERE n > 3)", "SELECT * FROM chefs WHERE id IN (SELECT chef_id FROM bookings WHERE n > ?)")]
    [InlineData("SELECT * FROM t WHERE a = ? AND b = ?1 AND c = $2 AND d = :name AND e = @p0 AND f = %s AND g = %(who)s",
        "SELECT * FROM t WHERE a = ? AND b = ? AND c = ? AND d = ? AND e = ? AND f = ? AND g = ?")]
    [InlineData("SELECT id, name FROM chefs WHERE id = $id AND k = $chef_2", "SELECT id, name FROM chefs WHERE id = ? AND k = ?")] // SQLite's $name parameters
    [InlineData("SELECT x::text, $1::int, (a)::bigint FROM t", "SELECT x::text, ?::int, (a)::bigint FROM t")]
    [InlineData("SELECT /* hint */ a -- trailing\nFROM t /* multi\nline */ WHERE b = 1", "SELECT a FROM t WHERE b = ?")]
    [InlineData("SELECT /* outer /* nested */ still comment */ a FROM t", "SELECT a FROM t")]
    [InlineData("SELECT \"Name\", `order`, [Key] FROM \"Chefs\" WHERE \"x\"\"y\" = 'q'", "SELECT \"Name\", `order`, [Key] FROM \"Chefs\" WHERE \"x\"\"y\" = ?")]
    [InlineData("select   a,\n\tb  from  t where active = true and deleted = FALSE and x is null", "SELECT a, b FROM t WHERE active = ? AND deleted = ? AND x IS NULL")]
    [InlineData("SELECT $$it's $1$$, $tag$x$tag$, E'\\n', N'x', U&'d\\0061'", "SELECT ?, ?, ?, ?, ?")]
    [InlineData("INSERT INTO bookings (chef_id, day) VALUES (1, '2024-01-01'), (2, '2024-01-02'), (3, '2024-01-03')",
        "INSERT INTO bookings(chef_id, day) VALUES (?, ?)")]
    [InlineData("SELECT count(*), t.* FROM t WHERE t.a = 1 LIMIT 10 OFFSET 20", "SELECT count(*), t.* FROM t WHERE t.a = ? LIMIT ? OFFSET ?")]
    [InlineData("SELECT arr[1], data->>'k', data->'k' FROM t", "SELECT arr[?], data - >> ?, data - > ? FROM t")]
    [InlineData("SELECT 'unterminated", "SELECT ?")]
    [InlineData("SELECT a /* unterminated", "SELECT a")]
    public void Normalises(string sql, string expected) => N(sql).ShouldBe(expected);

    [Fact]
    public void Json_operators_and_pg_arrays_keep_a_stable_spelling()
    {
        // The "->" family is spelled "- >" in the normal form: ugly, but the same for every statement that uses it.
        N("SELECT data->>'k' FROM t").ShouldBe(N("SELECT data ->> 'other' FROM t"));
        N("SELECT arr[1] FROM t").ShouldBe("SELECT arr[?] FROM t");
    }

    [Fact]
    public void Multi_statement_text_is_normalised_per_statement_and_counted()
    {
        var n = SqlNormalizer.Normalize("SELECT 1; UPDATE chefs SET name = 'x' WHERE id = 3;");
        n.Text.ShouldBe("SELECT ?; UPDATE chefs SET name = ? WHERE id = ?;");
        n.StatementCount.ShouldBe(2);
        n.Tables.ShouldBe(["chefs"]);
        SqlNormalizer.Normalize("SELECT 1;").StatementCount.ShouldBe(1);
        SqlNormalizer.Normalize(" -- only a comment").StatementCount.ShouldBe(0);
    }

    [Theory]
    [InlineData("SELECT * FROM chefs c JOIN bookings b ON b.chef_id = c.id WHERE c.cuisine_type = ?", "chefs,bookings")]
    [InlineData("SELECT * FROM a x, c AS y LEFT OUTER JOIN b ON b.id = x.id", "a,c,b")]
    [InlineData("INSERT INTO bookings (chef_id) VALUES (1)", "bookings")]
    [InlineData("UPDATE chefs SET name = ? WHERE id = ?", "chefs")]
    [InlineData("DELETE FROM public.chefs WHERE id = 1", "public.chefs")]
    [InlineData("SELECT extract(year FROM created_at), substring(name FROM 2) FROM events", "events")]
    [InlineData("SELECT * FROM \"Chefs\" JOIN [dbo].[Orders] o ON o.x = 1", "Chefs,dbo.Orders")]
    [InlineData("SELECT * FROM t WHERE a IS DISTINCT FROM b", "t")]
    [InlineData("SELECT * FROM (SELECT id FROM inner_t) s JOIN outer_t ON outer_t.id = s.id", "inner_t,outer_t")]
    [InlineData("WITH recent AS (SELECT * FROM bookings) SELECT * FROM recent", "bookings")]
    [InlineData("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n), big AS MATERIALIZED (SELECT * FROM chefs) SELECT * FROM n JOIN big ON 1 = 1", "chefs")]
    public void Reports_tables(string sql, string tables) =>
        string.Join(',', SqlNormalizer.Normalize(sql).Tables).ShouldBe(tables);

    // ---- properties ----

    /// <summary>Fragments that exercise every lexer branch, including broken ones (unterminated quotes and comments).</summary>
    private static readonly string[] Fragments =
    [
        "SELECT", "select", "FROM", "WHERE", "IN", "in", "VALUES", "(", ")", ",", ";", ".", "[", "]", " ", "\n", "\t",
        "'", "''", "'x'", "\\", "\"", "\"q\"", "`", "[k]", "--", "/*", "*/", "-", "+", "1", "-1", "1.5e-3", "e", "E'", "N'",
        "x'", "0x", "0xFF", "?", "?1", "$", "$1", "$$", "$t$", ":", "::", ":n", "@", "@@x", "@p", "%", "%s", "%(a)s", "=", "<=",
        "<>", "!=", "||", "->>", "*", "/", "a", "t.a", "chefs", "NULL", "true", "FALSE", "é", "\u00a0", "AND", "IS", "null",
    ];

    private static Arbitrary<string> Soup() => Gen.Elements(Fragments).ArrayOf().Select(string.Concat).ToArbitrary();

    [FsCheck.Xunit.Property(MaxTest = 5000)]
    public Property Never_throws_and_is_idempotent_on_token_soup() => Prop.ForAll(Soup(), Idempotent);

    [FsCheck.Xunit.Property(MaxTest = 5000)]
    public void Never_throws_and_is_idempotent_on_random_text(string? text) => Idempotent(text ?? "");

    private static void Idempotent(string text)
    {
        var once = SqlNormalizer.Normalize(text);
        var twice = SqlNormalizer.Normalize(once.Text);
        twice.Text.ShouldBe(once.Text, $"input: {text}");
        twice.Tables.ShouldBe(once.Tables, $"input: {text}");
    }

    /// <summary>Statements with literal slots {0}, {1}, … and IN-list slots {L}.</summary>
    private static readonly string[] Templates =
    [
        "SELECT * FROM chefs WHERE cuisine_type = {0}",
        "SELECT * FROM chefs WHERE id = {0} AND name <> {1} ORDER BY name LIMIT {2}",
        "select c.*, b.day from chefs c join bookings b on b.chef_id = c.id where b.day between {0} and {1} and c.id in ({L})",
        "UPDATE chefs SET name = {0}, rating = {1} WHERE id = {2}",
        "INSERT INTO bookings (chef_id, day, note) VALUES ({0}, {1}, {2})",
        "SELECT x - {0}, {1} * 2, - {2} FROM t WHERE a IN ({L}) OR b = {3} -- a comment",
        "SELECT * FROM t WHERE a = {0}; DELETE FROM t WHERE b IN ({L});",
    ];

    private static Gen<string> Literal() => Gen.OneOf(
        ArbMap.Default.GeneratorFor<int>().Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        ArbMap.Default.GeneratorFor<NormalFloat>().Select(d => d.Get.ToString("R", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Choose(0, 1_000_000).Select(i => "0x" + i.ToString("X", System.Globalization.CultureInfo.InvariantCulture)),
        Gen.Elements("TRUE", "false", "1e9", "-2.5E-7", ".25", "$1", "?", ":id", "@id", "%s", "$$dollar ' quoted$$"),
        ArbMap.Default.GeneratorFor<string>().Select(s => "'" + (s ?? "").Replace("\\", "\\\\").Replace("'", "''") + "'"),
        ArbMap.Default.GeneratorFor<string>().Select(s => "E'" + (s ?? "").Replace("\\", "\\\\").Replace("'", "\\'") + "'"));

    /// <summary>One pass over the template, so a literal that contains "{2}" is not substituted again.</summary>
    private static string Fill(string template, string[] literals, string[] list) =>
        System.Text.RegularExpressions.Regex.Replace(template, @"\{(\d|L)\}",
            m => m.Groups[1].Value == "L" ? string.Join(", ", list) : literals[m.Groups[1].Value[0] - '0']);

    [FsCheck.Xunit.Property(MaxTest = 3000)]
    public Property Literal_values_and_in_list_lengths_do_not_change_the_normal_form() => Prop.ForAll(
        Gen.Elements(Templates).ToArbitrary(),
        Literal().ArrayOf(8).ToArbitrary(),
        Gen.Choose(1, 12).SelectMany(n => Literal().ArrayOf(n)).ToArbitrary(),
        (template, literals, list) =>
        {
            var a = literals[..4];
            var b = literals[4..];
            var first = SqlNormalizer.Normalize(Fill(template, a, list));
            var second = SqlNormalizer.Normalize(Fill(template, b, ["7"]));
            second.Text.ShouldBe(first.Text);
            second.Tables.ShouldBe(first.Tables);
            first.Text.ShouldNotContain("'");
        });
}
