using Loadlens.Core.Serialization;
using Loadlens.TestUtils;

namespace Loadlens.Cli.Tests;

/// <summary>Quick mode as people use it (several URLs, weights, query strings, @file bodies, typos) and the default exit gate.</summary>
public sealed class QuickModeAndGateTests
{
    [Fact]
    public async Task Body_at_file_reads_the_file_instead_of_being_taken_as_a_response_file()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var body = cli.File("order.json", "{\"productId\": 1,\n \"quantity\": 2}");

        var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/count").ToString(), "-X", "POST", "--body", "@" + body,
            "-u", "1", "-n", "5", "--expect-status", "201", "-o", Path.Combine(cli.Directory, "out"));

        exit.ShouldBe(0, cli.Error.ToString());
        target.Count.ShouldBe(5);
        var result = await RunResultJson.ReadAsync(Path.Combine(cli.Directory, "out", "result.json"));
        result.Scenario!.Endpoints.ShouldHaveSingleItem().Body.ShouldBe("{\"productId\": 1,\n \"quantity\": 2}");
    }

    [Theory]
    [InlineData("--otlp", "nonsense", "--otlp: 'nonsense' is not HOST:PORT")]
    [InlineData("--otlp", "10.1.2.3:4318", "--otlp: the receiver listens on loopback addresses only (10.1.2.3 is not one)")]
    [InlineData("--trace-context", "maybe", "--trace-context takes on or off, not 'maybe'")]
    [InlineData("--db", "app.db", "--db needs --otlp (the statements to plan come from the app's traces)")]
    [InlineData("--db-with-otlp", "mysql://u:secret@localhost/app", "--db")]
    [InlineData("--slow-query", "fast", "--slow-query")]
    public async Task Bad_server_evidence_options_are_usage_errors_before_any_request(string option, string value, string message)
    {
        using var cli = new CliHarness();
        var args = option switch
        {
            "--trace-context" => new[] { "run", "http://127.0.0.1:9/x", "--otlp", "127.0.0.1:0", option, value },
            "--db-with-otlp" => ["run", "http://127.0.0.1:9/x", "--otlp", "127.0.0.1:0", "--db", value],
            _ => ["run", "http://127.0.0.1:9/x", option, value],
        };
        var exit = await cli.RunAsync(args);
        exit.ShouldBe(2);
        cli.Error.ToString().ShouldContain(message);
        cli.Error.ToString().ShouldNotContain("secret");
        cli.Error.ToString().ShouldNotContain("   at ");
    }

    [Theory]
    [InlineData("--user", "--users")]
    [InlineData("--duraton", "--duration")]
    [InlineData("--expect-staus", "--expect-status")]
    public async Task A_mistyped_option_gets_did_you_mean(string typo, string meant)
    {
        using var cli = new CliHarness();
        var exit = await cli.RunAsync("run", "http://127.0.0.1:9/x", typo, "5");
        exit.ShouldBe(2);
        cli.Error.ToString().ShouldContain($"unknown option '{typo}' for 'run'; did you mean '{meant}'?");
    }

    [Fact]
    public async Task Several_urls_are_several_endpoints_with_weights_query_strings_and_a_name_with_the_path()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "out");

        var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/count").ToString(), new Uri(target.BaseAddress, "/echo/hi?lang=en").ToString() + "@3",
            "-u", "2", "-n", "400", "--seed", "7", "-o", outDir);

        exit.ShouldBe(0, cli.Error.ToString());
        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        result.Name.ShouldBe($"127.0.0.1-{target.BaseAddress.Port}-count-and-1-more");
        result.Endpoints.Select(e => e.Name).ShouldBe(["GET /count", "GET /echo/hi?lang=en"]);
        var count = result.Endpoints[0].Requests;
        var echo = result.Endpoints[1].Requests;
        (count + echo).ShouldBe(400);
        target.Count.ShouldBe(count); // the server's own count of /count
        ((double)echo / count).ShouldBeInRange(2.2, 4.0); // weight 3 : 1
    }

    [Fact]
    public async Task One_url_names_the_run_after_its_path_and_urls_on_two_hosts_are_refused()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        (await cli.RunAsync("run", new Uri(target.BaseAddress, "/count").ToString(), "-u", "1", "-n", "3", "-o", Path.Combine(cli.Directory, "one"))).ShouldBe(0, cli.Error.ToString());
        (await RunResultJson.ReadAsync(Path.Combine(cli.Directory, "one", "result.json"))).Name.ShouldBe($"127.0.0.1-{target.BaseAddress.Port}-count");

        using var two = new CliHarness();
        (await two.RunAsync("run", "http://127.0.0.1:9/a", "http://127.0.0.2:9/b")).ShouldBe(2);
        two.Error.ToString().ShouldContain("same scheme://host:port");
    }

    [Fact]
    public async Task A_run_where_every_request_fails_exits_1_without_an_sla_unless_the_gate_is_off()
    {
        await using var target = await TestTarget.StartAsync();
        var url = new Uri(target.BaseAddress, "/status/404").ToString();

        using var gated = new CliHarness();
        (await gated.RunAsync("run", url, "-u", "1", "-n", "20", "-o", Path.Combine(gated.Directory, "g"))).ShouldBe(1);
        gated.Error.ToString().ShouldContain("gate failed: 100 % of 20 requests failed (limit 1 %)");
        (await File.ReadAllTextAsync(Path.Combine(gated.Directory, "g", "analysis.md"))).ShouldContain("**Gate: FAIL**");

        using var off = new CliHarness();
        (await off.RunAsync("run", url, "-u", "1", "-n", "20", "--no-gate", "-o", Path.Combine(off.Directory, "o"))).ShouldBe(0, off.Error.ToString());

        using var loose = new CliHarness();
        (await loose.RunAsync("run", url, "-u", "1", "-n", "20", "--max-error-rate", "100%", "-o", Path.Combine(loose.Directory, "l"))).ShouldBe(0, loose.Error.ToString());

        // analyze applies the same gate to the stored run, and --no-gate lifts it there too.
        using var analyze = new CliHarness();
        (await analyze.RunAsync("analyze", Path.Combine(gated.Directory, "g"))).ShouldBe(1);
        (await analyze.RunAsync("analyze", Path.Combine(gated.Directory, "g"), "--no-gate")).ShouldBe(0);
    }

    [Fact]
    public async Task Requests_left_unanswered_at_the_end_are_reported_unfinished_and_fail_the_gate()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "u");

        // Answers after 20 s: both users' requests are still open when the 1 s run and its 5 s grace period end.
        var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/slow-count/20000").ToString(), "-u", "2", "-d", "1s", "-o", outDir);

        exit.ShouldBe(1);
        target.Count.ShouldBe(2);
        cli.Error.ToString().ShouldContain("warning: 2 requests were still unfinished when the run stopped");
        cli.Error.ToString().ShouldContain("gate failed: 100 % of 2 requests failed");
        cli.Console.Output.ShouldContain("2 failures (100.00 %) of them 2 unfinished");
        (await File.ReadAllTextAsync(Path.Combine(outDir, "summary.md"))).ShouldContain("2 requests were still unfinished");
        var failures = await File.ReadAllLinesAsync(Path.Combine(outDir, "loadlens_failures.csv"));
        failures.ShouldContain(l => l.Contains("unfinished: no complete response by the end of the grace period", StringComparison.Ordinal));
        var result = await RunResultJson.ReadAsync(Path.Combine(outDir, "result.json"));
        result.Total.Unfinished.ShouldBe(2);
        (await File.ReadAllTextAsync(Path.Combine(outDir, "result.json"))).ShouldContain("\"unfinished\": 2");
    }

    [Fact]
    public async Task A_warm_up_that_swallows_every_iteration_is_not_a_successful_run()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/count").ToString(), "-u", "1", "-n", "5", "-w", "30s", "-o", Path.Combine(cli.Directory, "w"));
        exit.ShouldBe(3);
        cli.Error.ToString().ShouldContain("nothing was measured: all 5 iterations ran inside the 30 s warm-up");
    }

    [Fact]
    public async Task Stages_with_users_or_duration_are_refused_instead_of_ignored()
    {
        using var cli = new CliHarness();
        (await cli.RunAsync("run", "http://127.0.0.1:9/x", "-d", "1s", "--stages", "2s:1")).ShouldBe(2);
        cli.Error.ToString().ShouldContain("--stages sets both the users (or rates) and the length");
    }

    [Fact]
    public async Task An_unknown_file_names_the_input_format_option()
    {
        using var cli = new CliHarness();
        var file = cli.File("mystery.txt", "nothing any importer knows\n");
        (await cli.RunAsync("analyze", file)).ShouldBe(2);
        cli.Error.ToString().ShouldContain("pass --input-format (");
    }
}
