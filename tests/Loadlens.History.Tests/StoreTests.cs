using Loadlens.Analysis.Trends;
using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;

namespace Loadlens.History.Tests;

/// <summary>The store's behaviour, identical on SQLite and PostgreSQL: round trip, lists, trends, references, removal, schema versions.</summary>
public sealed class StoreTests
{
    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task A_saved_run_loads_back_byte_for_byte_with_its_tags_and_git(string backend)
    {
        var (run, _) = await RealRuns.GetAsync();
        await using var t = TestStore.Create(backend);
        await using var store = await t.OpenAsync();
        var git = new GitInfo("0123456789abcdef0123456789abcdef01234567", "main");
        var id = await store.SaveAsync(run, new SaveOptions { Git = git, Tags = new Dictionary<string, string> { ["env"] = "ci", ["pr"] = "42" } });

        var loaded = await store.GetAsync(id);
        loaded.ShouldNotBeNull();
        loaded.Run.ShouldNotBeNull();
        loaded.Sweep.ShouldBeNull();
        RunResultJson.Serialize(loaded.Run).ShouldBe(RunResultJson.Serialize(run)); // histograms, intervals, sections: everything
        loaded.Info.Id.ShouldBe(id);
        loaded.Info.Kind.ShouldBe(StoredKind.Run);
        loaded.Info.Scenario.ShouldBe(run.Name);
        loaded.Info.Commit.ShouldBe(git.Commit);
        loaded.Info.Branch.ShouldBe("main");
        loaded.Info.Requests.ShouldBe(run.Total.Requests);
        loaded.Info.StartedAt.ToUnixTimeMilliseconds().ShouldBe(run.StartedAt.ToUnixTimeMilliseconds());
        loaded.Info.Tags.ShouldBe(new Dictionary<string, string> { ["env"] = "ci", ["pr"] = "42" });
        (await store.GetAsync("01zzzzzzzzzzzzzzzzzzzzzzzz")).ShouldBeNull();
    }

    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task A_saved_sweep_loads_back_with_every_step(string backend)
    {
        var (run, _) = await RealRuns.GetAsync();
        var sweep = new SweepResult
        {
            Name = run.Name,
            Model = "closed",
            Target = "http://127.0.0.1/",
            StartedAt = run.StartedAt,
            PlannedLevels = [1, 2],
            StepSeconds = run.MeasuredSeconds,
            Steps = [new SweepStep { Index = 0, Level = 1, Result = run }, new SweepStep { Index = 1, Level = 2, Result = run with { StartedAt = run.StartedAt.AddSeconds(5) } }],
            Outcome = run.Outcome,
            Environment = run.Environment,
        };
        await using var t = TestStore.Create(backend);
        await using var store = await t.OpenAsync();
        var id = await store.SaveAsync(sweep);

        var loaded = await store.GetAsync(id);
        loaded!.Sweep.ShouldNotBeNull();
        loaded.Info.Kind.ShouldBe(StoredKind.Sweep);
        loaded.Info.Requests.ShouldBe(2 * run.Total.Requests);
        SweepResultJson.Serialize(loaded.Sweep).ShouldBe(SweepResultJson.Serialize(sweep));

        // A sweep's steps are not runs of the scenario's trend.
        await Should.ThrowAsync<InputFormatException>(() => store.TrendAsync(run.Name, "Aggregated", TrendMetric.P95));
        (await store.ListAsync(new RunFilter { Kind = StoredKind.Sweep })).Select(r => r.Id).ShouldBe([id]);
    }

    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task Lists_filter_by_scenario_branch_and_tags_newest_first(string backend)
    {
        var (run, _) = await RealRuns.GetAsync();
        await using var t = TestStore.Create(backend);
        await using var store = await t.OpenAsync();
        var t0 = run.StartedAt;
        var a = await store.SaveAsync(run with { Name = "shop", StartedAt = t0 }, new SaveOptions { Git = new GitInfo("aaaa1111", "main"), Tags = new Dictionary<string, string> { ["env"] = "ci" } });
        var b = await store.SaveAsync(run with { Name = "shop", StartedAt = t0.AddMinutes(1) }, new SaveOptions { Git = new GitInfo("bbbb2222", "feature"), Tags = new Dictionary<string, string> { ["env"] = "dev" } });
        var c = await store.SaveAsync(run with { Name = "other", StartedAt = t0.AddMinutes(2) }, new SaveOptions { Git = new GitInfo("cccc3333", "main") });

        (await store.ListAsync()).Select(r => r.Id).ShouldBe([c, b, a]);
        (await store.ListAsync(new RunFilter { Scenario = "shop" })).Select(r => r.Id).ShouldBe([b, a]);
        (await store.ListAsync(new RunFilter { Branch = "main" })).Select(r => r.Id).ShouldBe([c, a]);
        (await store.ListAsync(new RunFilter { Tags = new Dictionary<string, string> { ["env"] = "ci" } })).Select(r => r.Id).ShouldBe([a]);
        (await store.ListAsync(new RunFilter { Tags = new Dictionary<string, string> { ["env"] = "ci", ["pr"] = "1" } })).ShouldBeEmpty();
        (await store.ListAsync(new RunFilter { Limit = 2 })).Select(r => r.Id).ShouldBe([c, b]);
    }

    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task A_trend_reads_each_runs_own_endpoint_figures_oldest_first(string backend)
    {
        var (run, _) = await RealRuns.GetAsync();
        await using var t = TestStore.Create(backend);
        await using var store = await t.OpenAsync();
        var endpoint = run.Endpoints[0];
        var runs = Enumerable.Range(0, 5).Select(i => Scaled(run, 1 + i * 0.25, run.StartedAt.AddMinutes(i))).ToList();
        var ids = new List<string>();
        foreach (var r in runs.AsEnumerable().Reverse())
        {
            ids.Insert(0, await store.SaveAsync(r, new SaveOptions { Git = new GitInfo($"c0ffee{ids.Count}", "main") }));
        }

        var p95 = await store.TrendAsync(run.Name, endpoint.Name, TrendMetric.P95);
        p95.Select(p => p.RunId).ShouldBe(ids);
        p95.Select(p => p.Value).ShouldBe(runs.Select(r => r.Endpoints[0].Latency.P95));

        // "METHOD name" and a different case find the same endpoint; the aggregate is there too.
        (await store.TrendAsync(run.Name, $"{endpoint.Method} {endpoint.Name.ToUpperInvariant()}", TrendMetric.Mean)).Select(p => p.Value).ShouldBe(runs.Select(r => r.Endpoints[0].Latency.Mean));
        (await store.TrendAsync(run.Name, "aggregated", TrendMetric.Throughput)).Select(p => p.Value).ShouldBe(runs.Select(r => r.RateOf(r.Total)));
        (await store.TrendAsync(run.Name, endpoint.Name, TrendMetric.ErrorRate)).Select(p => p.Value).ShouldBe(runs.Select(r => r.Endpoints[0].FailureRate));
        (await store.TrendAsync(run.Name, endpoint.Name, TrendMetric.P95, new RunFilter { Limit = 2 })).Select(p => p.RunId).ShouldBe(ids[3..]);

        var missing = await Should.ThrowAsync<InputFormatException>(() => store.TrendAsync(run.Name, "GET /nope", TrendMetric.P95));
        missing.Message.ShouldContain(endpoint.Name);
        await Should.ThrowAsync<InputFormatException>(() => store.TrendAsync("no-such-scenario", "Aggregated", TrendMetric.P95));
    }

    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task References_find_the_newest_run_on_a_branch_at_a_commit_or_by_id_prefix(string backend)
    {
        var (run, _) = await RealRuns.GetAsync();
        await using var t = TestStore.Create(backend);
        await using var store = await t.OpenAsync();
        var t0 = run.StartedAt;
        var main1 = await store.SaveAsync(run with { StartedAt = t0 }, new SaveOptions { Git = new GitInfo("abc1234000000000000000000000000000000000", "main") });
        var main2 = await store.SaveAsync(run with { StartedAt = t0.AddMinutes(1) }, new SaveOptions { Git = new GitInfo("def5678000000000000000000000000000000000", "main") });
        var feature = await store.SaveAsync(run with { StartedAt = t0.AddMinutes(2) }, new SaveOptions { Git = new GitInfo("abc9999000000000000000000000000000000000", "feature/x") });
        var other = await store.SaveAsync(run with { Name = "other", StartedAt = t0.AddMinutes(3) });

        (await store.ResolveAsync("@last")).Id.ShouldBe(other);
        (await store.ResolveAsync("@last", run.Name)).Id.ShouldBe(feature);
        (await store.ResolveAsync("@last:main")).Id.ShouldBe(main2);
        (await store.ResolveAsync("@last:feature/x")).Id.ShouldBe(feature);
        (await store.ResolveAsync("@abc1234")).Id.ShouldBe(main1);
        (await store.ResolveAsync("@ABC9")).Id.ShouldBe(feature);

        // Runs only, or sweeps only (run --baseline compares a run with a run, a sweep with a sweep).
        var sweep = await store.SaveAsync(new SweepResult
        {
            Name = run.Name, Model = "closed", Target = "http://127.0.0.1/", StartedAt = t0.AddMinutes(4), PlannedLevels = [1], StepSeconds = 1,
            Steps = [new SweepStep { Index = 0, Level = 1, Result = run }], Outcome = run.Outcome, Environment = run.Environment,
        }, new SaveOptions { Git = new GitInfo("abc1234999", "main") });
        (await store.ResolveAsync("@last", run.Name)).Id.ShouldBe(sweep);
        (await store.ResolveAsync("@last", run.Name, sweeps: false)).Id.ShouldBe(feature);
        (await store.ResolveAsync("@last:main", run.Name, sweeps: false)).Id.ShouldBe(main2);
        (await store.ResolveAsync("@abc1234", run.Name, sweeps: false)).Id.ShouldBe(main1);
        (await store.ResolveAsync("@last", null, sweeps: true)).Id.ShouldBe(sweep);
    }

    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task Bad_and_unknown_references_are_one_line_input_errors(string backend)
    {
        var (run, _) = await RealRuns.GetAsync();
        await using var t = TestStore.Create(backend);
        await using var store = await t.OpenAsync();
        (await Should.ThrowAsync<InputFormatException>(() => store.ResolveAsync("@last"))).Message.ShouldStartWith("no saved run in ");
        var id = await store.SaveAsync(run, new SaveOptions { Git = new GitInfo("abc1234", "main") });

        (await store.ResolveAsync(id)).Id.ShouldBe(id);
        (await store.ResolveAsync(id[..8].ToUpperInvariant())).Id.ShouldBe(id);
        (await Should.ThrowAsync<InputFormatException>(() => store.ResolveAsync("@last:dev"))).Message.ShouldStartWith("no saved run on branch 'dev'");
        (await Should.ThrowAsync<InputFormatException>(() => store.ResolveAsync("@abc"))).Message.ShouldContain("≥ 4 hex digits");
        (await Should.ThrowAsync<InputFormatException>(() => store.ResolveAsync("@fff000"))).Message.ShouldStartWith("no saved run at commit fff000");
        (await Should.ThrowAsync<InputFormatException>(() => store.ResolveAsync("01zzzzzzzzzz"))).Message.ShouldStartWith("no saved run with id");
        (await Should.ThrowAsync<InputFormatException>(() => store.ResolveAsync("abc"))).Message.ShouldContain("is not one of");
        (await Should.ThrowAsync<InputFormatException>(() => store.ResolveAsync("@last:"))).Message.ShouldContain("name the branch");

        // Two ids sharing a prefix: ambiguous (same millisecond → same 10-character time prefix).
        var frozen = new FrozenTime(DateTimeOffset.Parse("2026-11-20T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var same = await t.OpenAsync(frozen);
        var x = await same.SaveAsync(run);
        var y = await same.SaveAsync(run);
        x[..10].ShouldBe(y[..10]);
        (await Should.ThrowAsync<InputFormatException>(() => store.ResolveAsync(x[..10]))).Message.ShouldContain("ambiguous");
    }

    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task Removing_a_run_removes_its_tags_and_metrics(string backend)
    {
        var (run, _) = await RealRuns.GetAsync();
        await using var t = TestStore.Create(backend);
        await using var store = await t.OpenAsync();
        var keep = await store.SaveAsync(run, new SaveOptions { Tags = new Dictionary<string, string> { ["k"] = "1" } });
        var drop = await store.SaveAsync(run with { StartedAt = run.StartedAt.AddMinutes(1) }, new SaveOptions { Tags = new Dictionary<string, string> { ["k"] = "2" } });

        (await store.RemoveAsync(drop)).ShouldBeTrue();
        (await store.RemoveAsync(drop)).ShouldBeFalse();
        (await store.GetAsync(drop)).ShouldBeNull();
        (await store.ListAsync()).Select(r => r.Id).ShouldBe([keep]);
        (await store.TrendAsync(run.Name, "Aggregated", TrendMetric.P95)).Select(p => p.RunId).ShouldBe([keep]);
        Convert.ToInt64(await t.ScalarAsync($"SELECT COUNT(*) FROM run_tags WHERE run_id = '{drop}'"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(0);
        Convert.ToInt64(await t.ScalarAsync($"SELECT COUNT(*) FROM run_metrics WHERE run_id = '{drop}'"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(0);
        Convert.ToInt64(await t.ScalarAsync($"SELECT COUNT(*) FROM run_metrics WHERE run_id = '{keep}'"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(run.Endpoints.Count + 1);
    }

    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task A_store_from_a_newer_schema_is_refused_and_left_untouched(string backend)
    {
        var (run, _) = await RealRuns.GetAsync();
        await using var t = TestStore.Create(backend);
        await using (var store = await t.OpenAsync())
        {
            await store.SaveAsync(run);
        }

        await t.ScalarAsync("INSERT INTO schema_version (version, applied_at) VALUES (99, 'future')");
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var before = t.File is { } f ? Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(f))) : null;

        var refused = await Should.ThrowAsync<HistoryStoreException>(() => t.OpenAsync());
        refused.IsUsageError.ShouldBeTrue();
        refused.Message.ShouldContain("schema version 99");
        refused.Message.ShouldContain("newer Loadlens");
        refused.Message.ShouldNotContain("\n");
        refused.Message.ShouldNotContain("loadlens@"); // no password in the location

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (before is not null)
        {
            Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(File.ReadAllBytes(t.File!))).ShouldBe(before);
        }

        Convert.ToInt64(await t.ScalarAsync("SELECT COUNT(*) FROM runs"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(1);
        Convert.ToInt64(await t.ScalarAsync("SELECT MAX(version) FROM schema_version"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(99);
    }

    /// <summary>A copy of <paramref name="run"/> with its first endpoint's and the aggregate's latencies multiplied by <paramref name="factor"/>.</summary>
    internal static RunResult Scaled(RunResult run, double factor, DateTimeOffset startedAt)
    {
        static EndpointResult Scale(EndpointResult e, double f) => e with
        {
            Latency = e.Latency with { P50 = e.Latency.P50 * f, P95 = e.Latency.P95 * f, P99 = e.Latency.P99 * f, Mean = e.Latency.Mean * f, Max = e.Latency.Max * f },
        };

        return run with
        {
            StartedAt = startedAt,
            Endpoints = [Scale(run.Endpoints[0], factor), .. run.Endpoints.Skip(1)],
            Total = Scale(run.Total, factor),
        };
    }
}
