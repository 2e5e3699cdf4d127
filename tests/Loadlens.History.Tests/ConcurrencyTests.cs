using System.Collections.Concurrent;
using System.Diagnostics;
using Loadlens.Core.Serialization;

namespace Loadlens.History.Tests;

/// <summary>Concurrent saves from threads and from processes lose nothing; runs finishing at the same instant both land.</summary>
[Collection(HeavyTests.Name)]
public sealed class ConcurrencyTests
{
    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task A_hundred_concurrent_saves_from_threads_all_land(string backend)
    {
        var (run, _) = await RealRuns.GetAsync();
        await using var t = TestStore.Create(backend);
        await using var store = await t.OpenAsync();
        using var start = new ManualResetEventSlim();
        var saves = Enumerable.Range(0, 100).Select(i => Task.Run(async () =>
        {
            start.Wait();
            return await store.SaveAsync(run, new SaveOptions { Tags = new Dictionary<string, string> { ["n"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture) } });
        })).ToList();
        start.Set();
        var ids = await Task.WhenAll(saves);

        ids.Distinct().Count().ShouldBe(100);
        var listed = await store.ListAsync();
        listed.Select(r => r.Id).Order().ShouldBe(ids.Order());
        listed.Select(r => r.Tags["n"]).Order().ShouldBe(Enumerable.Range(0, 100).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).Order());
        (await store.TrendAsync(run.Name, "Aggregated", Analysis.Trends.TrendMetric.P95)).Count.ShouldBe(100);
    }

    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task Two_runs_saved_at_the_same_instant_both_land_under_different_ids(string backend)
    {
        var (run, _) = await RealRuns.GetAsync();
        await using var t = TestStore.Create(backend);
        var instant = new FrozenTime(DateTimeOffset.Parse("2026-11-20T10:00:00.123Z", System.Globalization.CultureInfo.InvariantCulture));
        await using var first = await t.OpenAsync(instant);
        await using var second = await t.OpenAsync(instant);
        var both = await Task.WhenAll(Task.Run(() => first.SaveAsync(run)), Task.Run(() => second.SaveAsync(run)));

        both[0].ShouldNotBe(both[1]);
        (await first.ListAsync()).Select(r => r.Id).Order().ShouldBe(both.Order());
        (await first.ListAsync()).ShouldAllBe(r => r.SavedAt == instant.GetUtcNow());
    }

    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task A_hundred_concurrent_saves_from_ten_processes_all_land(string backend)
    {
        var (run, path) = await RealRuns.GetAsync();
        await using var t = TestStore.Create(backend);

        // Ten child processes open the (new, not yet created) store at once and save ten runs each, ten at a time.
        var processes = Enumerable.Range(0, 10).Select(_ => Process.Start(SaveLoop.StartInfo(t.Connection + (t.IsPostgres ? "&maxpoolsize=5" : string.Empty), path, 10, 10, 90))!).ToList();
        var acknowledged = new ConcurrentBag<string>();
        await Task.WhenAll(processes.Select(async p =>
        {
            var output = await p.StandardOutput.ReadToEndAsync();
            var error = await p.StandardError.ReadToEndAsync();
            await p.WaitForExitAsync();
            p.ExitCode.ShouldBe(0, error);
            foreach (var line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("saved ", StringComparison.Ordinal)))
            {
                acknowledged.Add(line["saved ".Length..].Trim());
            }

            p.Dispose();
        }));

        acknowledged.Count.ShouldBe(100);
        acknowledged.Distinct().Count().ShouldBe(100);
        await using var store = await t.OpenAsync();
        var listed = await store.ListAsync();
        listed.Select(r => r.Id).Order().ShouldBe(acknowledged.Order());
        foreach (var info in listed.Take(5))
        {
            RunResultJson.Serialize((await store.GetAsync(info.Id))!.Run!).ShouldBe(RunResultJson.Serialize(run));
        }
    }
}
