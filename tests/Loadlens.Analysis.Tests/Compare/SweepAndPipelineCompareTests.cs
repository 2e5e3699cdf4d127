using Loadlens.Analysis.Capacity;
using Loadlens.Analysis.Compare;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;
using Loadlens.Pipeline;

namespace Loadlens.Analysis.Tests.Compare;

/// <summary>Sweep comparison, and the pipeline's input resolution (files, a plugged-in resolver, refusals).</summary>
public sealed class SweepAndPipelineCompareTests
{
    private static readonly ComparisonOptions Fast = ComparisonOptions.Default with { Resamples = 300 };

    /// <summary>A closed-model sweep at 1, 2, 4, 8 users whose throughput grows with the users and latency with <paramref name="slowdown"/>.</summary>
    private static SweepResult Sweep(double slowdown, int seed)
    {
        double[] levels = [1, 2, 4, 8];
        var steps = levels.Select((level, i) =>
        {
            var run = Runs.Make(10 * slowdown * (1 + (0.1 * i)), seed + i, intervals: 10, perInterval: (int)(100 * level / slowdown));
            return new SweepStep { Index = i, Level = level, Result = run with { Settings = run.Settings with { Users = (int)level } } };
        }).ToList();
        return new SweepResult
        {
            Name = "shop",
            Model = "closed",
            Target = "http://127.0.0.1:5000/",
            StartedAt = DateTimeOffset.UnixEpoch,
            PlannedLevels = levels,
            StepSeconds = 12,
            Steps = steps,
            Outcome = RunOutcome.Complete,
            Environment = steps[0].Result.Environment,
        };
    }

    [Fact]
    public void SlowerSweep_IsSlowerAtEveryCommonLevel_WithItsCapacityFigures()
    {
        var baseline = Sweep(1, seed: 100);
        var candidate = Sweep(1.3, seed: 200);

        var report = SweepComparer.Compare(baseline, CapacityAnalyzer.Analyze(baseline), candidate, CapacityAnalyzer.Analyze(candidate), Fast with { FailOnRegression = 0.1 });

        report.Levels.Select(l => l.Level).ShouldBe([1, 2, 4, 8]);
        report.Levels.ShouldAllBe(l => l.Comparison.Overall.Metric("p95")!.Verdict == ComparisonVerdict.Slower);
        report.Verdict.ShouldBe(ComparisonVerdict.Slower);
        report.GateFailed.ShouldBeTrue();
        report.Regressions.Select(r => r.Endpoint).ShouldContain("Aggregated @ 4 users");
        var maxGoodput = report.Figures.Single(f => f.Name == "max-goodput");
        maxGoodput.RelativeChange!.Value.ShouldBe((1 / 1.3) - 1, 0.02);
        report.Figures.Select(f => f.Name).ShouldContain("capacity-at-sla");
    }

    [Fact]
    public async Task Pipeline_ReadsResultFilesAndSweepFiles_AndRefusesAMix()
    {
        using var dir = new TempFolder();
        var a = dir.Path("a.json");
        var b = dir.Path("b.json");
        await File.WriteAllTextAsync(a, RunResultJson.Serialize(Runs.Make(10, seed: 30)));
        await File.WriteAllTextAsync(b, RunResultJson.Serialize(Runs.Make(13, seed: 31)));
        var sweep = dir.Path("sweep.json");
        await File.WriteAllTextAsync(sweep, SweepResultJson.Serialize(Sweep(1, seed: 40)));

        var runs = await LoadlensPipeline.CompareAsync(new CompareOptions { Baseline = CompareInput.FromReference(a), Candidate = CompareInput.FromReference(b), Comparison = Fast with { FailOnRegression = 0.1 }, Format = "md" });
        runs.ExitCode.ShouldBe(1);
        runs.Comparison!.Baseline.Label.ShouldBe(a);
        runs.Document!.ShouldContain("## Regressions");

        var sweeps = await LoadlensPipeline.CompareAsync(new CompareOptions { Baseline = CompareInput.FromReference(sweep), Candidate = CompareInput.FromReference(sweep), Comparison = Fast, Format = "json" });
        sweeps.ExitCode.ShouldBe(0, string.Join("\n", sweeps.Messages));
        sweeps.SweepComparison!.Verdict.ShouldBe(ComparisonVerdict.Same);
        sweeps.Document!.ShouldContain("\"kind\": \"sweep-comparison\"");

        var mixed = await LoadlensPipeline.CompareAsync(new CompareOptions { Baseline = CompareInput.FromReference(a), Candidate = CompareInput.FromReference(sweep) });
        mixed.ExitCode.ShouldBe(2);
        mixed.Messages.ShouldHaveSingleItem().ShouldStartWith("error: cannot compare a sweep with a single run");
    }

    [Fact]
    public async Task PluggedInResolver_IsAskedFirst_AndItsErrorsAreBadInput()
    {
        var saved = Runs.Make(10, seed: 50);
        var resolver = new TagResolver(saved);
        using var dir = new TempFolder();
        var file = dir.Path("candidate.json");
        await File.WriteAllTextAsync(file, RunResultJson.Serialize(Runs.Make(10, seed: 51)));

        var done = await LoadlensPipeline.CompareAsync(new CompareOptions
        {
            Baseline = CompareInput.FromReference("@last:main"),
            Candidate = CompareInput.FromReference(file),
            Resolvers = [resolver],
            Comparison = Fast,
        });
        done.ExitCode.ShouldBe(0, string.Join("\n", done.Messages));
        done.Comparison!.Baseline.Label.ShouldBe("@last:main (run 7)");
        resolver.Asked.ShouldBe(["@last:main", file]);

        var missing = await LoadlensPipeline.CompareAsync(new CompareOptions { Baseline = CompareInput.FromReference("@last:nope"), Candidate = CompareInput.FromReference(file), Resolvers = [resolver] });
        missing.ExitCode.ShouldBe(2);
        missing.Messages.ShouldBe(["error: no saved run on branch 'nope'"]);

        var inHand = await LoadlensPipeline.CompareAsync(new CompareOptions { Baseline = CompareInput.FromRun(saved, "stored"), Candidate = CompareInput.FromRun(Runs.Make(10, seed: 52)), Comparison = Fast });
        inHand.Comparison!.Baseline.Label.ShouldBe("stored");
    }

    private sealed class TagResolver(RunResult saved) : IRunReferenceResolver
    {
        public List<string> Asked { get; } = [];

        public Task<CompareInput?> ResolveAsync(string reference, CancellationToken cancellationToken)
        {
            Asked.Add(reference);
            return reference switch
            {
                "@last:main" => Task.FromResult<CompareInput?>(CompareInput.FromRun(saved, "@last:main (run 7)")),
                _ when reference.StartsWith("@last:", StringComparison.Ordinal) => throw new Core.InputFormatException($"no saved run on branch '{reference[6..]}'"),
                _ => Task.FromResult<CompareInput?>(null),
            };
        }
    }

    private sealed class TempFolder : IDisposable
    {
        private readonly string _root = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "loadlens-cmp-" + Guid.NewGuid().ToString("N"));

        public TempFolder() => Directory.CreateDirectory(_root);

        public string Path(string name) => System.IO.Path.Combine(_root, name);

        public void Dispose() => Directory.Delete(_root, recursive: true);
    }
}
