using System.Net;
using Loadlens.Analysis;
using Loadlens.Core.Results;
using Loadlens.Pipeline;

namespace Loadlens.AspNetCore.Tests;

/// <summary>
/// The profiler's OTLP export into a real Loadlens receiver (<see cref="ServerEvidenceHook"/>, the <c>--otlp</c> path)
/// while <see cref="LoadlensPipeline.RunAsync"/> loads the app: its spans join Loadlens' requests by trace id, and the
/// n-plus-one and db-bound findings fire on the N+1 endpoint and stay silent on the clean one.
/// </summary>
public sealed class EndToEndTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loadlens-profiler-e2e-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    public static TheoryData<string, AppDatabase> Cases => new()
    {
        { "api", AppDatabase.Sqlite },
        { "ef", AppDatabase.Sqlite },
        { "api", AppDatabase.Postgres },
        { "ef", AppDatabase.Postgres },
    };

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public async Task The_exported_evidence_joins_every_request_and_the_rules_fire_only_on_the_N_plus_one_endpoint(string flavour, AppDatabase database)
    {
        var port = FreePort();
        await using var app = await ProfiledApp.StartAsync(o =>
        {
            o.OtlpEndpoint = new Uri($"http://127.0.0.1:{port}/v1/traces");
            o.ExportInterval = TimeSpan.FromMilliseconds(100);
        }, database: database);
        using (var warm = new HttpClient { BaseAddress = app.BaseAddress })
        {
            // warm up outside the run (EF Core builds its model and compiles its queries on first use)
            (await warm.GetAsync($"{flavour}/chefs")).EnsureSuccessStatusCode();
            (await warm.GetAsync($"{flavour}/chefs/3")).EnsureSuccessStatusCode();
        }

        var hook = new ServerEvidenceHook(new IPEndPoint(IPAddress.Loopback, port));
        var outDir = Path.Combine(_dir, flavour + "-" + database);

        var done = await LoadlensPipeline.RunAsync(new RunOptions
        {
            Scenario = ScenarioRequest.ForUrl(new Uri(app.BaseAddress, $"/{flavour}/chefs").ToString(), new ScenarioOverrides { Users = 2, Iterations = 120 }) with
            {
                MoreUrls = [new Uri(app.BaseAddress, $"/{flavour}/chefs/3").ToString()],
            },
            OutputDirectory = outDir,
            Hooks = [hook],
        });

        done.Verdict.ShouldBe(Verdict.Ok, string.Join("\n", done.Messages));
        var result = done.Run!;
        result.TryGetSection<ServerEvidence>(ServerEvidence.SectionName, out var evidence).ShouldBeTrue();
        evidence.TracesJoined.ShouldBe(result.Total.Requests); // every request joined to the profiler's server span
        evidence.TracesDropped.ShouldBe(0);
        var byName = evidence.Endpoints.ToDictionary(e => e.Endpoint);
        var list = byName[result.Endpoints[0].Name];
        var one = byName[result.Endpoints[1].Name];
        list.Route.ShouldBe($"/{flavour}/chefs");
        one.Route.ShouldBe($"/{flavour}/chefs/{{id:int}}");
        list.DbStatementsMean.ShouldBe(1 + ProfiledApp.ChefsPerList);
        one.DbStatementsMean.ShouldBe(1);
        var system = database == AppDatabase.Sqlite ? "sqlite" : "postgresql";
        var perChef = list.Statements.Single(s => s.PerRequestMean == ProfiledApp.ChefsPerList);
        perChef.System.ShouldBe(system);
        perChef.RepeatedRequests.ShouldBe(list.Requests);
        list.ServerTime.Mean.ShouldBeLessThan(result.Endpoints[0].Latency.Mean);

        var findings = done.Analysis!.Findings;
        var numbers = $"list: db {list.DbTimeMeanMs} ms of {list.ServerTime.Mean} ms (share {list.DbShare}); one: db {one.DbTimeMeanMs} ms of {one.ServerTime.Mean} ms (share {one.DbShare})";
        Console.WriteLine($"{flavour}/{database}: {numbers}");
        var nPlusOne = findings.Where(f => f.RuleId == RuleIds.NPlusOne).ShouldHaveSingleItem();
        nPlusOne.Endpoint.ShouldBe(result.Endpoints[0].Name);
        nPlusOne.Title.ShouldContain(perChef.Statement);
        findings.Where(f => f.RuleId == RuleIds.DbBound).Select(f => f.Endpoint).ShouldBe([result.Endpoints[0].Name], numbers);
        findings.ShouldNotContain(f => f.Endpoint == result.Endpoints[1].Name && (f.RuleId == RuleIds.NPlusOne || f.RuleId == RuleIds.DbBound));
        findings.ShouldNotContain(f => f.RuleId == RuleIds.QueuedBeforeApp);
    }

    private static int FreePort()
    {
        using var l = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        l.Start();
        return ((IPEndPoint)l.LocalEndpoint).Port;
    }
}
