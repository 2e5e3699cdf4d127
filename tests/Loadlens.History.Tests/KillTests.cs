using System.Diagnostics;
using Loadlens.Core.Serialization;

namespace Loadlens.History.Tests;

/// <summary>A process killed with SIGKILL while saving leaves the store consistent: every run is fully there or absent.</summary>
[Collection(HeavyTests.Name)]
public sealed class KillTests
{
    [SkippableTheory]
    [MemberData(nameof(TestStore.Backends), MemberType = typeof(TestStore))]
    public async Task A_writer_killed_mid_save_leaves_only_whole_runs(string backend)
    {
        var (run, path) = await RealRuns.GetAsync();
        var expected = RunResultJson.Serialize(run);
        await using var t = TestStore.Create(backend);
        var acknowledged = new List<string>();
        var random = new Random(20261120);
        for (var round = 0; round < 3; round++)
        {
            // Four writers saving as fast as they can; kill the process at a random moment once saves are flowing.
            using var p = Process.Start(SaveLoop.StartInfo(t.Connection, path, 100_000, 4, 60))!;
            var saved = new List<string>();
            var flowing = new TaskCompletionSource();
            var threshold = 3 + round * 5;
            var reader = Task.Run(async () =>
            {
                while (await p.StandardOutput.ReadLineAsync() is { } line)
                {
                    if (line.StartsWith("saved ", StringComparison.Ordinal))
                    {
                        lock (saved)
                        {
                            saved.Add(line["saved ".Length..].Trim());
                            if (saved.Count >= threshold)
                            {
                                flowing.TrySetResult();
                            }
                        }
                    }
                }

                flowing.TrySetResult();
            });
            _ = p.StandardError.ReadToEndAsync();
            (await Task.WhenAny(flowing.Task, Task.Delay(TimeSpan.FromSeconds(60)))).ShouldBe(flowing.Task, "the writer never saved");
            await Task.Delay(random.Next(0, 40));
            p.Kill(); // SIGKILL on Unix: no finally, no flush, no rollback by the process
            await p.WaitForExitAsync();
            await reader;
            p.ExitCode.ShouldNotBe(0);
            lock (saved)
            {
                acknowledged.AddRange(saved);
            }
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (!t.IsPostgres)
        {
            (await t.ScalarAsync("PRAGMA integrity_check"))!.ToString().ShouldBe("ok");
        }

        await using var store = await t.OpenAsync();
        var listed = await store.ListAsync();

        // Every save the writer saw committed is there; nothing half-written is (each listed run loads whole,
        // with its metrics rows and its tags).
        acknowledged.ShouldBeSubsetOf(listed.Select(r => r.Id));
        listed.Count.ShouldBeGreaterThanOrEqualTo(acknowledged.Count);
        listed.Count.ShouldBeLessThanOrEqualTo(acknowledged.Count + 3 * 4); // at most the in-flight saves of each kill committed unseen
        foreach (var info in listed)
        {
            var loaded = await store.GetAsync(info.Id);
            RunResultJson.Serialize(loaded!.Run!).ShouldBe(expected);
            info.Tags.Keys.Order().ShouldBe(["n", "pid"]);
        }

        Convert.ToInt64(await t.ScalarAsync("SELECT COUNT(*) FROM run_metrics"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(listed.Count * (run.Endpoints.Count + 1));
        Convert.ToInt64(await t.ScalarAsync("SELECT COUNT(*) FROM run_tags"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(listed.Count * 2);
        Convert.ToInt64(await t.ScalarAsync("SELECT COUNT(*) FROM run_metrics m WHERE NOT EXISTS (SELECT 1 FROM runs r WHERE r.id = m.run_id)"), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(0);

        // The store still takes new runs after the kills.
        var after = await store.SaveAsync(run);
        (await store.GetAsync(after)).ShouldNotBeNull();
    }
}
