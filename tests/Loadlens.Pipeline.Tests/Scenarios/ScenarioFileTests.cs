using Loadlens.Core.Scenarios;
using Loadlens.Pipeline.Scenarios;

namespace Loadlens.Pipeline.Tests.Scenarios;

public sealed class ScenarioFileTests
{
    private static readonly Dictionary<string, string> Environment = new()
    {
        ["TOKEN"] = "s3cret",
        ["HOST"] = "api.example.test",
        ["EMPTY"] = string.Empty,
    };

    private static string? Env(string name) => Environment.TryGetValue(name, out var value) ? value : null;

    [Fact]
    public void Parse_RedactAndEnvironment_OutputCopyHoldsReferencesAndMarkers()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("s.yaml", Yaml.Lines(
            "baseUrl: http://127.0.0.1:5000",
            "headers:",
            "  Authorization: Bearer ${TOKEN}",
            "  X-Host: ${HOST}",
            "  X-Plain: plain",
            "redact: [X-Host]",
            "endpoints: [{path: /a, body: 'token=${TOKEN}', headers: { X-Key: '${TOKEN}' }}]",
            "load: {users: 2, duration: 10s}"));

        var scenario = ScenarioFile.Parse(File.ReadAllText(path), path, dir.Path, Env);
        scenario.Headers["Authorization"].ShouldBe("Bearer s3cret"); // what is sent
        scenario.Redact.ShouldBe(["X-Host"]);

        var written = ScenarioRedaction.ForOutput(scenario); // what is written
        written.Headers["Authorization"].ShouldBe(ScenarioRedaction.Marker);
        written.Headers["X-Host"].ShouldBe(ScenarioRedaction.Marker);
        written.Headers["X-Plain"].ShouldBe("plain");
        written.Endpoints[0].Body.ShouldBe("token=${TOKEN}");
        written.Endpoints[0].Headers["X-Key"].ShouldBe("${TOKEN}");
        ScenarioRedaction.ForOutput(written).ShouldBeEquivalentTo(written);
        ScenarioRedaction.Target(new Uri("http://user:pw@127.0.0.1:5000/x")).ShouldBe("http://127.0.0.1:5000/x");
    }

    [Fact]
    public void Parse_FullClosedScenario_ReadsEveryField()
    {
        using var dir = new TempDirectory();
        dir.Write("users.csv", "id,login\n1,alice\n2,\"bob, jr\"\n\n3,\"carol \"\"cc\"\"\"\n");
        var path = dir.Write("shop.yaml", Yaml.Lines(
            "name: shop-smoke",
            "baseUrl: https://${HOST}:8443/shop/",
            "httpVersion: \"2\"",
            "timeout: 1m30s",
            "headers:",
            "  Authorization: Bearer ${TOKEN}",
            "  X-Client: ${CLIENT:-loadlens}",
            "  X-Empty: \"${EMPTY}\"",
            "  X-Json-Ish: \"{{}} {{1st}}\"",
            "feeders:",
            "  - name: productId",
            "    range: { from: 1, to: 100 }",
            "    order: random",
            "  - name: user",
            "    csv: { file: users.csv, column: login }",
            "  - name: page",
            "    values: [1, 2, \"three\"]",
            "    order: sequential",
            "endpoints:",
            "  - name: list products",
            "    path: /api/products?page={{page}}",
            "    weight: 5",
            "    headers: {X-Trace: abc}",
            "    expect: { status: [200, 201], bodyContains: \"ok\" }",
            "  - method: post",
            "    path: /api/orders",
            "    weight: 0.5",
            "    headers:",
            "      X-User: \"{{ user }}\"",
            "    body: '{\"id\": {{productId}}, \"key\": \"${TOKEN}\"}'",
            "    expect: { status: 201 }",
            "load:",
            "  model: closed",
            "  users: 50",
            "  duration: 2m",
            "  thinkTime: { min: 0.5s, max: 2s }",
            "  warmUp: 5s",
            "sla:",
            "  - endpoint: \"*\"",
            "    p50: 100ms",
            "    p95: 300ms",
            "    p99: 0.5s",
            "    errorRate: 1%",
            "    minThroughput: 600/m",
            "  - endpoint: list *",
            "    errorRate: 0.02"));

        var scenario = ScenarioFile.Parse(File.ReadAllText(path), path, dir.Path, Env);

        scenario.Name.ShouldBe("shop-smoke");
        scenario.BaseUrl.ShouldBe(new Uri("https://api.example.test:8443/shop/"));
        scenario.HttpVersion.ShouldBe("2");
        scenario.RequestTimeout.ShouldBe(TimeSpan.FromSeconds(90));
        scenario.Headers.Count.ShouldBe(4);
        scenario.Headers["Authorization"].ShouldBe("Bearer s3cret");
        scenario.Headers["x-client"].ShouldBe("loadlens"); // case-insensitive lookup, default applied
        scenario.Headers["X-Empty"].ShouldBe(string.Empty);
        scenario.Headers["X-Json-Ish"].ShouldBe("{{}} {{1st}}"); // not placeholder syntax: literal text

        scenario.Feeders.Count.ShouldBe(3);
        var productId = scenario.Feeders[0];
        productId.Name.ShouldBe("productId");
        productId.Kind.ShouldBe(FeederKind.Range);
        productId.From.ShouldBe(1);
        productId.To.ShouldBe(100);
        productId.Order.ShouldBe(FeederOrder.Random);
        var user = scenario.Feeders[1];
        user.Kind.ShouldBe(FeederKind.Csv);
        user.File.ShouldBe(Path.Combine(dir.Path, "users.csv"));
        user.Column.ShouldBe("login");
        user.Values.ShouldBe(["alice", "bob, jr", "carol \"cc\""]);
        user.Order.ShouldBe(FeederOrder.Sequential);
        var page = scenario.Feeders[2];
        page.Kind.ShouldBe(FeederKind.Csv);
        page.File.ShouldBeNull();
        page.Values.ShouldBe(["1", "2", "three"]);

        scenario.Endpoints.Count.ShouldBe(2);
        var list = scenario.Endpoints[0];
        list.Name.ShouldBe("list products");
        list.Method.ShouldBe("GET");
        list.Path.ShouldBe("/api/products?page={{page}}");
        list.Weight.ShouldBe(5);
        list.Headers.ShouldBe(new Dictionary<string, string> { ["X-Trace"] = "abc" });
        list.Body.ShouldBeNull();
        list.ExpectStatus.ShouldBe([200, 201]);
        list.ExpectBodyContains.ShouldBe("ok");
        var order = scenario.Endpoints[1];
        order.Name.ShouldBe("POST /api/orders");
        order.Method.ShouldBe("POST");
        order.Weight.ShouldBe(0.5);
        order.Headers["X-User"].ShouldBe("{{ user }}"); // spaces inside the braces are allowed, as in the engine
        order.Body.ShouldBe("{\"id\": {{productId}}, \"key\": \"s3cret\"}");
        order.ExpectStatus.ShouldBe([201]);
        order.ExpectBodyContains.ShouldBeNull();

        var load = scenario.Load;
        load.Model.ShouldBe(LoadModel.Closed);
        load.Users.ShouldBe(50);
        load.Duration.ShouldBe(TimeSpan.FromMinutes(2));
        load.Iterations.ShouldBeNull();
        load.Stages.ShouldBeEmpty();
        load.ThinkTimeMin.ShouldBe(TimeSpan.FromMilliseconds(500));
        load.ThinkTimeMax.ShouldBe(TimeSpan.FromSeconds(2));
        load.WarmUp.ShouldBe(TimeSpan.FromSeconds(5));

        scenario.Sla.Count.ShouldBe(2);
        scenario.Sla[0].ShouldBe(new SlaTarget { Endpoint = "*", P50Ms = 100, P95Ms = 300, P99Ms = 500, MaxErrorRate = 0.01, MinThroughput = 10 });
        scenario.Sla[1].ShouldBe(new SlaTarget { Endpoint = "list *", MaxErrorRate = 0.02 });
    }

    [Fact]
    public void Load_MinimalFile_AppliesDefaults()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("checkout-flow.yml", Yaml.Lines(
            "baseUrl: http://127.0.0.1:5000",
            "endpoints:",
            "  - path: /health",
            "load:",
            "  iterations: 1000"));

        var scenario = ScenarioFile.Load(path);

        scenario.Name.ShouldBe("checkout-flow");
        scenario.BaseUrl.ShouldBe(new Uri("http://127.0.0.1:5000"));
        scenario.HttpVersion.ShouldBe("1.1");
        scenario.RequestTimeout.ShouldBe(TimeSpan.FromSeconds(30));
        scenario.Headers.ShouldBeEmpty();
        scenario.Feeders.ShouldBeEmpty();
        scenario.Sla.ShouldBeEmpty();
        var endpoint = scenario.Endpoints.ShouldHaveSingleItem();
        endpoint.Name.ShouldBe("GET /health");
        endpoint.Method.ShouldBe("GET");
        endpoint.Weight.ShouldBe(1);
        endpoint.ExpectStatus.ShouldBeEmpty();
        scenario.Load.Model.ShouldBe(LoadModel.Closed);
        scenario.Load.Users.ShouldBe(1);
        scenario.Load.Iterations.ShouldBe(1000);
        scenario.Load.Duration.ShouldBeNull();
        scenario.Load.ThinkTimeMin.ShouldBe(TimeSpan.Zero);
        scenario.Load.ThinkTimeMax.ShouldBe(TimeSpan.Zero);
        scenario.Load.WarmUp.ShouldBe(TimeSpan.Zero);
        scenario.Load.MaxInFlight.ShouldBe(1000);
    }

    [Fact]
    public void Load_OpenModelWithRate_ReadsRateAndMaxInFlight()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("open.yaml", Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load:",
            "  model: open",
            "  rate: 1200/m",
            "  maxInFlight: 250",
            "  duration: 45",
            "  warmUp: 500ms"));

        var load = ScenarioFile.Load(path).Load;

        load.Model.ShouldBe(LoadModel.Open);
        load.Rate.ShouldBe(20);
        load.MaxInFlight.ShouldBe(250);
        load.Duration.ShouldBe(TimeSpan.FromSeconds(45));
        load.WarmUp.ShouldBe(TimeSpan.FromMilliseconds(500));
        load.Stages.ShouldBeEmpty();
    }

    [Fact]
    public void Load_OpenModelWithStages_ParsesRateTargets()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("ramp.yaml", Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load:",
            "  model: OPEN",
            "  stages:",
            "    - { duration: 20s, target: 200/s }",
            "    - { duration: 1m, target: 6000/m }",
            "    - { duration: 10s, target: 0 }"));

        var load = ScenarioFile.Load(path).Load;

        load.Model.ShouldBe(LoadModel.Open);
        load.Stages.ShouldBe([
            new LoadStage(TimeSpan.FromSeconds(20), 200),
            new LoadStage(TimeSpan.FromMinutes(1), 100),
            new LoadStage(TimeSpan.FromSeconds(10), 0),
        ]);
        load.TotalDuration.ShouldBe(TimeSpan.FromSeconds(90));
    }

    [Fact]
    public void Load_ClosedModelWithStagesAndFixedThinkTime()
    {
        using var dir = new TempDirectory();
        var path = dir.Write("closed.yaml", Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "endpoints: [{path: /a}]",
            "load:",
            "  thinkTime: 1s",
            "  stages:",
            "    - { duration: 20s, target: 50 }",
            "    - { duration: 40s, target: 50 }"));

        var load = ScenarioFile.Load(path).Load;

        load.Model.ShouldBe(LoadModel.Closed);
        load.Stages.ShouldBe([new LoadStage(TimeSpan.FromSeconds(20), 50), new LoadStage(TimeSpan.FromSeconds(40), 50)]);
        load.ThinkTimeMin.ShouldBe(TimeSpan.FromSeconds(1));
        load.ThinkTimeMax.ShouldBe(TimeSpan.FromSeconds(1));
        load.PeakLevel.ShouldBe(50);
    }

    [Fact]
    public void Load_CsvFeederWithSingleColumn_NeedsNoColumnKey()
    {
        using var dir = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(dir.Path, "data"));
        dir.Write(Path.Combine("data", "ids.csv"), "\uFEFFid\r\n10\r\n20\r\n30");
        var path = dir.Write("ids.yaml", Yaml.Lines(
            "baseUrl: http://localhost:5000",
            "feeders:",
            "  - name: id",
            "    csv: { file: data/ids.csv }",
            "endpoints:",
            "  - path: /items/{{id}}",
            "load: { users: 2, duration: 10s }"));

        var feeder = ScenarioFile.Load(path).Feeders.ShouldHaveSingleItem();

        feeder.Kind.ShouldBe(FeederKind.Csv);
        feeder.Column.ShouldBe("id");
        feeder.File.ShouldBe(Path.Combine(dir.Path, "data", "ids.csv"));
        feeder.Values.ShouldBe(["10", "20", "30"]);
    }

    [Fact]
    public void Parse_EnvironmentSubstitution_UsesInjectedFunctionDefaultsAndEscapes()
    {
        var lookups = new List<string>();
        string? Lookup(string name)
        {
            lookups.Add(name);
            return name switch { "PORT" => "7000", "TOKEN" => "abc", "BLANK" => "", _ => null };
        }

        var scenario = ScenarioFile.Parse(
            Yaml.Lines(
                "baseUrl: http://localhost:${PORT}",
                "headers:",
                "  Authorization: Bearer ${TOKEN}",
                "  X-Region: ${REGION:-eu-west}",
                "  X-Blank: ${BLANK:-fallback}",
                "  X-Literal: $${NOT_A_VAR} costs $5",
                "endpoints:",
                "  - path: /a",
                "    body: |",
                "      {\"token\": \"${TOKEN}\"}",
                "load: { duration: 1s }"),
            "env.yaml",
            "/nonexistent",
            Lookup);

        scenario.BaseUrl.ShouldBe(new Uri("http://localhost:7000"));
        scenario.Headers["Authorization"].ShouldBe("Bearer abc");
        scenario.Headers["X-Region"].ShouldBe("eu-west");
        scenario.Headers["X-Blank"].ShouldBe("fallback");
        scenario.Headers["X-Literal"].ShouldBe("${NOT_A_VAR} costs $5");
        scenario.Endpoints[0].Body.ShouldBe("{\"token\": \"abc\"}\n");
        lookups.ShouldBe(["PORT", "TOKEN", "REGION", "BLANK", "TOKEN"]);
    }

    [Fact]
    public void Parse_DefaultEndpointNames_UseQueryOnlyWhenNeededForUniqueness()
    {
        var scenario = ScenarioFile.Parse(
            Yaml.Lines(
                "baseUrl: http://localhost",
                "endpoints:",
                "  - path: /items?page=1",
                "  - path: /items?page=2",
                "  - path: /orders?mine=true",
                "  - method: delete",
                "    path: /items?page=1",
                "load: { duration: 1s }"),
            "names.yaml",
            "/",
            _ => null);

        scenario.Endpoints.Select(e => e.Name).ShouldBe([
            "GET /items?page=1",
            "GET /items?page=2",
            "GET /orders",
            "DELETE /items",
        ]);
    }

    [Fact]
    public void Parse_AnchorsAndAliases_AreResolved()
    {
        var scenario = ScenarioFile.Parse(
            Yaml.Lines(
                "baseUrl: http://localhost",
                "endpoints:",
                "  - name: a",
                "    path: /a",
                "    headers: &common {X-Team: perf}",
                "  - name: b",
                "    path: /b",
                "    headers: *common",
                "load: { duration: 1s }"),
            "alias.yaml",
            "/",
            _ => null);

        scenario.Endpoints[1].Headers["X-Team"].ShouldBe("perf");
    }
}
