using Loadlens.Evidence.Plans;
using Npgsql;

namespace Loadlens.Evidence.Tests;

public class DatabaseTargetTests
{
    [Fact]
    public void Sqlite_paths_and_urls_name_the_same_file()
    {
        using var app = new SqliteApp();
        foreach (var text in new[] { app.File, "sqlite:" + app.File, "sqlite://" + app.File, "file:" + app.File, "file://" + app.File, "file://localhost" + app.File, "file:" + app.File + "?mode=ro" })
        {
            var target = DatabaseTarget.Parse(text);
            target.Kind.ShouldBe(DatabaseKind.Sqlite);
            target.Display.ShouldBe(app.File);
            target.ConnectionString.ShouldContain("Mode=ReadOnly");
        }

        DatabaseTarget.Parse("app.db", app.Folder).Display.ShouldBe(app.File);
        DatabaseTarget.Parse("sqlite:app.db", app.Folder).Display.ShouldBe(app.File);
    }

    [Fact]
    public void Missing_or_non_sqlite_files_are_clear_errors()
    {
        using var app = new SqliteApp();
        Should.Throw<ArgumentException>(() => DatabaseTarget.Parse("nope.db", app.Folder)).Message
            .ShouldBe("--db nope.db: no such file (a SQLite database file is expected)");
        var text = Path.Combine(app.Folder, "notes.txt");
        File.WriteAllText(text, "this is not a database, just some words");
        Should.Throw<ArgumentException>(() => DatabaseTarget.Parse(text)).Message
            .ShouldBe($"--db {text}: not a SQLite database (the file does not start with \"SQLite format 3\")");
        Should.Throw<ArgumentException>(() => DatabaseTarget.Parse("  ")).Message
            .ShouldBe("--db: expected a SQLite file path or postgres://user:password@host:port/database");
        Should.Throw<ArgumentException>(() => DatabaseTarget.Parse("sqlite:")).Message.ShouldBe("--db sqlite:: needs a file path, e.g. sqlite:app.db");
        Should.Throw<ArgumentException>(() => DatabaseTarget.Parse("file://server/share/app.db")).Message
            .ShouldBe("--db file://server/share/app.db: a file: URL must name a local file (file:///path/app.db)");
    }

    [Fact]
    public void Postgres_urls_are_parsed_and_the_password_is_never_shown()
    {
        var target = DatabaseTarget.Parse("postgres://app:s3cr%40t@db.local:6543/shop?schema=tenant1&sslmode=disable");
        target.Kind.ShouldBe(DatabaseKind.Postgres);
        target.Display.ShouldBe("postgres://app:***@db.local:6543/shop");
        target.ToString().ShouldBe(target.Display);
        var cs = new NpgsqlConnectionStringBuilder(target.ConnectionString);
        cs.Host.ShouldBe("db.local");
        cs.Port.ShouldBe(6543);
        cs.Database.ShouldBe("shop");
        cs.Username.ShouldBe("app");
        cs.Password.ShouldBe("s3cr@t");
        cs.SearchPath.ShouldBe("tenant1");
        cs.SslMode.ShouldBe(SslMode.Disable);
        cs.Options.ShouldBe("-c default_transaction_read_only=on");

        var v6 = DatabaseTarget.Parse("postgres://u@[::1]:5433/app");
        new NpgsqlConnectionStringBuilder(v6.ConnectionString).Host.ShouldBe("::1");
        v6.Display.ShouldBe("postgres://u@[::1]:5433/app");

        var plain = DatabaseTarget.Parse("postgresql://localhost/app");
        plain.Display.ShouldBe("postgres://localhost/app");
        new NpgsqlConnectionStringBuilder(plain.ConnectionString).Port.ShouldBe(5432);
    }

    [Theory]
    [InlineData("mysql://root:hunter2@localhost/app", "--db mysql://root:***@localhost/app: unsupported database 'mysql'; expected a SQLite file path or postgres://user:password@host:port/database")]
    [InlineData("postgres://u:hunter2@localhost", "--db postgres://u:***@localhost: expected postgres://user:password@host:port/database")]
    [InlineData("postgres://u:hunter2@localhost/db?nonsense_option=1", "--db postgres://u:***@localhost/db?nonsense_option=1: unknown connection option 'nonsense_option'")]
    [InlineData("postgres://u:hunter2@localhost/db?options=-c%20x=y", "--db postgres://u:***@localhost/db?options=-c%20x=y: the option 'options' cannot be set in the URL")]
    [InlineData("postgres://u:hunter2@local host:99999/db", null)]
    public void Bad_urls_are_one_line_errors_without_the_password(string url, string? expected)
    {
        var ex = Should.Throw<ArgumentException>(() => DatabaseTarget.Parse(url));
        ex.Message.ShouldNotContain("hunter2");
        ex.Message.ShouldNotContain('\n');
        ex.Message.ShouldStartWith("--db ");
        if (expected is not null)
        {
            ex.Message.ShouldBe(expected);
        }
    }
}
