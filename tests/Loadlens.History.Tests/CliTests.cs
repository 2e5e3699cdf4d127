using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using Loadlens.TestUtils;

namespace Loadlens.History.Tests;

/// <summary>The history commands and --save end to end through the CLI against a real Kestrel target and real stores.</summary>
public sealed class CliTests
{
    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task Run_save_then_list_show_and_rm(string backend)
    {
        await using var target = await TestTarget.StartAsync();
        await using var t = TestStore.Create(backend);
        using var cli = new CliRunner();
        var output = Path.Combine(Path.GetTempPath(), "loadlens-history-cli-" + Guid.NewGuid().ToString("N"));
        (await cli.RunAsync("run", new Uri(target.BaseAddress, "text").ToString(), "-n", "50", "-u", "1", "--name", "cli-save", "-o", output, "--save", "--tag", "env=ci", "--tag", "pr=7", "--history", t.Connection)).ShouldBe(0, cli.Error.ToString());
        var saved = System.Text.RegularExpressions.Regex.Match(cli.Out.ToString(), "Saved to history as ([0-9a-z]{26}) ");
        saved.Success.ShouldBeTrue(cli.Out.ToString());
        var id = saved.Groups[1].Value;
        cli.Out.ToString().ShouldNotContain("loadlens@"); // a PostgreSQL password never reaches the console

        (await cli.RunAsync("history", "list", "--format", "json", "--tag", "env=ci", "--history", t.Connection)).ShouldBe(0, cli.Error.ToString());
        using (var list = JsonDocument.Parse(cli.Out.ToString()))
        {
            var run = list.RootElement.GetProperty("runs").EnumerateArray().ShouldHaveSingleItem();
            run.GetProperty("id").GetString().ShouldBe(id);
            run.GetProperty("scenario").GetString().ShouldBe("cli-save");
            run.GetProperty("kind").GetString().ShouldBe("run");
            run.GetProperty("requests").GetInt64().ShouldBe(50);
            run.GetProperty("tags").GetProperty("pr").GetString().ShouldBe("7");
        }

        (await cli.RunAsync("history", "list", "--tag", "env=prod", "--history", t.Connection)).ShouldBe(0);
        cli.Out.ToString().ShouldStartWith("No saved runs in ");
        (await cli.RunAsync("history", "list", "--history", t.Connection)).ShouldBe(0);
        cli.Console.Output.ShouldContain(id);
        cli.Console.Output.ShouldContain("env=ci, pr=7");

        // show: the console table, and as JSON exactly the result.json the run wrote.
        (await cli.RunAsync("history", "show", id[..8], "--history", t.Connection)).ShouldBe(0, cli.Error.ToString());
        cli.Out.ToString().ShouldStartWith($"Run {id}: cli-save (run, loadlens)");
        cli.Console.Output.ShouldContain("/text");
        (await cli.RunAsync("history", "show", "@last", "--format", "json", "--history", t.Connection)).ShouldBe(0, cli.Error.ToString());
        JsonNode.DeepEquals(JsonNode.Parse(cli.Out.ToString()), JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(output, "result.json")))).ShouldBeTrue();

        (await cli.RunAsync("history", "rm", id, "--history", t.Connection)).ShouldBe(0, cli.Error.ToString());
        cli.Out.ToString().ShouldStartWith($"Removed {id} (cli-save, ");
        (await cli.RunAsync("history", "show", id, "--history", t.Connection)).ShouldBe(2);
        cli.Error.ToString().Trim().ShouldStartWith($"error: no saved run with id {id}");
        Directory.Delete(output, recursive: true);
    }

    [Fact]
    public async Task Analyze_save_history_import_and_sweep_save_store_each_kind()
    {
        await using var target = await TestTarget.StartAsync();
        await using var t = TestStore.Create("sqlite");
        var (_, resultJson) = await RealRuns.GetAsync();
        using var cli = new CliRunner();

        (await cli.RunAsync("analyze", resultJson, "--save", "--tag", "from=analyze", "--history", t.Connection)).ShouldBe(0, cli.Error.ToString());
        cli.Out.ToString().ShouldContain("Saved to history as ");
        (await cli.RunAsync("history", "import", Path.GetDirectoryName(resultJson)!, "--tag", "from=import", "--history", t.Connection)).ShouldBe(0, cli.Error.ToString());
        cli.Out.ToString().ShouldStartWith("Saved ");

        // A Locust CSV prefix is an import.
        var stats = Directory.GetFiles(Path.GetDirectoryName(resultJson)!, "*_stats.csv").ShouldHaveSingleItem();
        (await cli.RunAsync("history", "import", stats, "--history", t.Connection)).ShouldBe(0, cli.Error.ToString());

        var output = Path.Combine(Path.GetTempPath(), "loadlens-history-sweep-" + Guid.NewGuid().ToString("N"));
        (await cli.RunAsync("sweep", new Uri(target.BaseAddress, "text").ToString(), "--users", "1,2", "-n", "20", "--name", "sw", "-o", output, "--save", "--history", t.Connection)).ShouldBe(0, cli.Error.ToString() + cli.Out);
        Directory.Delete(output, recursive: true);

        (await cli.RunAsync("history", "list", "--format", "json", "--history", t.Connection)).ShouldBe(0);
        using var list = JsonDocument.Parse(cli.Out.ToString());
        var kinds = list.RootElement.GetProperty("runs").EnumerateArray().Select(r => (r.GetProperty("kind").GetString(), r.GetProperty("tool").GetString())).ToList();
        kinds.ShouldContain(("sweep", "loadlens"));
        kinds.ShouldContain(("import", "locust"));
        kinds.Count(k => k == ("run", "loadlens")).ShouldBe(2); // a Loadlens result.json stays a Loadlens run, through analyze or import
        (await cli.RunAsync("history", "show", "@last", "--history", t.Connection)).ShouldBe(0, cli.Error.ToString());
    }

    [Fact]
    public async Task Bad_history_arguments_are_one_line_errors_with_exit_2()
    {
        await using var t = TestStore.Create("sqlite");
        var (run, _) = await RealRuns.GetAsync();
        await using (var store = await t.OpenAsync())
        {
            await store.SaveAsync(run);
        }

        using var cli = new CliRunner();
        async Task Expect(string error, params string[] args)
        {
            (await cli.RunAsync(args)).ShouldBe(2, cli.Out.ToString());
            var text = cli.Error.ToString().Trim();
            text.ShouldStartWith("error: ");
            text.ShouldContain(error);
            text.Split('\n').Length.ShouldBe(1, text);
        }

        await Expect("--tag 'oops': expected key=value", "history", "list", "--tag", "oops", "--history", t.Connection);
        await Expect("--metric must be one of", "history", "trend", run.Name, "--metric", "p42", "--history", t.Connection);
        await Expect("no saved run of scenario 'nope'", "history", "trend", "nope", "--history", t.Connection);
        await Expect("has no endpoint 'GET /missing'", "history", "trend", run.Name, "--endpoint", "GET /missing", "--history", t.Connection);
        await Expect("is not one of @last", "history", "show", "x", "--history", t.Connection);
        await Expect("not a reference such as @last", "history", "rm", "@last", "--history", t.Connection);
        await Expect("--tag labels a saved run: add --save", "analyze", "/nonexistent/result.json", "--tag", "a=b");
        await Expect("expected postgres://user:password@host:port/database", "history", "list", "--history", "postgres://nohost");

        // A store written by a newer Loadlens: refused before any request is sent.
        await t.ScalarAsync("INSERT INTO schema_version (version, applied_at) VALUES (7, 'future')");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        await Expect("schema version 7, written by a newer Loadlens", "history", "list", "--history", t.Connection);
        await using var target = await TestTarget.StartAsync();
        await Expect("schema version 7", "run", new Uri(target.BaseAddress, "count").ToString(), "-n", "10", "--save", "--history", t.Connection);
        target.Count.ShouldBe(0);
    }

    [Fact]
    public async Task Without_history_the_store_is_created_under_dot_loadlens_in_the_working_directory_and_LOADLENS_HISTORY_is_honoured()
    {
        var (_, resultJson) = await RealRuns.GetAsync();
        var cwd = Path.Combine(Path.GetTempPath(), "loadlens-history-cwd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(cwd);
        try
        {
            (await Loadlens(cwd, null, "history", "import", resultJson)).Code.ShouldBe(0);
            File.Exists(Path.Combine(cwd, ".loadlens", "history.db")).ShouldBeTrue();
            var list = await Loadlens(cwd, null, "history", "list", "--format", "json");
            list.Code.ShouldBe(0, list.Error);
            JsonDocument.Parse(list.Out).RootElement.GetProperty("runs").GetArrayLength().ShouldBe(1);

            var other = Path.Combine(cwd, "elsewhere.db");
            (await Loadlens(cwd, other, "history", "import", resultJson)).Code.ShouldBe(0);
            File.Exists(other).ShouldBeTrue();
            var listed = await Loadlens(cwd, other, "history", "list", "--format", "json");
            JsonDocument.Parse(listed.Out).RootElement.GetProperty("store").GetString().ShouldBe(other);
        }
        finally
        {
            Directory.Delete(cwd, recursive: true);
        }
    }

    private static async Task<(int Code, string Out, string Error)> Loadlens(string cwd, string? historyEnv, params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = cwd,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "loadlens.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment.Remove("LOADLENS_HISTORY");
        if (historyEnv is not null)
        {
            psi.Environment["LOADLENS_HISTORY"] = historyEnv;
        }

        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await p.WaitForExitAsync(timeout.Token);
        return (p.ExitCode, await output, await error);
    }
}
