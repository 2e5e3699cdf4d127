using System.Net;
using System.Net.Sockets;
using Loadlens.Cli.Commands;
using Loadlens.Core.Findings;
using Loadlens.DemoApi;
using Loadlens.Pipeline;

namespace Loadlens.Cli.Tests;

/// <summary>
/// Every flaw of the demo API, switched on alone, is named by its rule (with evidence from the server's spans and the
/// database's plan), and no other flaw's rule fires; with every fix on, none of them fires. The real API (in-process
/// <see cref="DemoApiHost"/>, the profiler exporting over OTLP) loaded through <see cref="LoadlensPipeline.RunAsync"/> with
/// <see cref="ServerEvidenceHook"/> and <c>--db</c>. Sync-over-async is named by <c>threadpool-starvation</c> from the
/// runtime counters of the API process (EventPipe on a separate process), which DemoCommandTests checks.
/// </summary>
[Collection("exclusive-load")]
public sealed class DemoFlawDetectionTests
{
    public static TheoryData<DemoFlaws> Detectable =>
    [
        DemoFlaws.NPlusOne, DemoFlaws.UnindexedFilter, DemoFlaws.UncachedAggregate, DemoFlaws.SingleWriter, DemoFlaws.SmallPool, DemoFlaws.BloatedResponse,
    ];

    [Theory]
    [MemberData(nameof(Detectable))]
    public async Task A_flaw_alone_is_named_by_its_rule_and_by_no_other_flaw_rule(DemoFlaws flaw)
    {
        var findings = await FindingsAsync(flaw);
        var expected = DemoDiagnosis.All.Single(e => e.Flaw == flaw);

        var named = DemoDiagnosis.Match(expected, findings);
        named.ShouldNotBeNull($"{expected.RuleId} not found; findings: {Describe(findings)}");
        named.Evidence.ShouldNotBeEmpty();
        named.Recommendation.ShouldNotBeNull();
        DemoDiagnosis.Remaining(findings).Where(f => f.RuleId != expected.RuleId).ShouldBeEmpty(Describe(findings));
    }

    [Fact]
    public async Task With_every_fix_on_no_flaw_rule_fires()
    {
        var findings = await FindingsAsync(DemoFlaws.None);
        DemoDiagnosis.Remaining(findings).ShouldBeEmpty(Describe(findings));
    }

    private static async Task<IReadOnlyList<Finding>> FindingsAsync(DemoFlaws flaws)
    {
        var port = FreePort();
        var folder = Path.Combine(Path.GetTempPath(), "loadlens-demo-detect-" + Guid.NewGuid().ToString("N"));
        try
        {
            // 12 users through a generator in this process leave few requests inside the API at once: a pool of 2 (the
            // demo's 32 users against its own API process exhaust its pool of 4; DemoCommandTests) keeps the wait clear of
            // the rule's thresholds on a loaded machine too.
            await using var host = await DemoApiHost.StartAsync(new DemoApiOptions { Flaws = flaws, SmallPoolSize = 2, OtlpEndpoint = new Uri($"http://127.0.0.1:{port}/v1/traces") });
            var done = await LoadlensPipeline.RunAsync(new RunOptions
            {
                Scenario = ScenarioRequest.For(DemoCommand.Scenario(host.BaseAddress, 12, TimeSpan.FromSeconds(6))),
                Runner = new() { Seed = 42 },
                OutputDirectory = folder,
                Hooks = [new ServerEvidenceHook(new IPEndPoint(IPAddress.Loopback, port)) { Database = host.DatabasePath, LateSpanWait = TimeSpan.FromSeconds(3) }],
            });
            done.Run.ShouldNotBeNull(string.Join("; ", done.Messages));
            done.Run.Total.Failures.ShouldBe(0);
            (done.Run.Sections?.ContainsKey(Core.Results.ServerEvidence.SectionName) ?? false).ShouldBeTrue();
            return done.Analysis!.Findings;
        }
        finally
        {
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (DirectoryNotFoundException)
            {
            }
        }
    }

    private static string Describe(IReadOnlyList<Finding> findings) => string.Join(" | ", findings.Select(f => $"{f.RuleId} {f.Endpoint}: {f.Title}"));

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
