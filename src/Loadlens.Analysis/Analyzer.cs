using Loadlens.Analysis.Advice;
using Loadlens.Analysis.Rules;
using Loadlens.Analysis.Sla;
using Loadlens.Core.Findings;
using Loadlens.Core.Results;

namespace Loadlens.Analysis;

/// <summary>Runs every findings rule, the SLA checks and the advisors over a <see cref="RunResult"/>.</summary>
public static class Analyzer
{
    private static readonly IRule[] AllRules =
    [
        new GeneratorSaturationRule(), new NoSteadyStateRule(), new ErrorRateRule(), new ConnectionErrorsRule(), new RateLimitedRule(),
        new QueuedBeforeAppRule(), new SharedBottleneckRule(), new SerializedResourceRule(), new NPlusOneRule(), new MissingIndexRule(), new SlowQueryRule(), new DbBoundRule(), new TailLatencyRule(), new LatencyDegradationRule(), new PeriodicStallRule(),
        new HighVarianceRule(), new ColdStartRule(),
        new PoolWaitRule(), new WriteLockWaitRule(), new UncachedAggregateRule(), new LargeResponseRule(),
        new CpuSaturationRule(),
        new ThreadPoolStarvationRule(), new GcPausesRule(), new MemoryGrowthRule(),
    ];

    /// <summary>
    /// The findings of every rule, one per cause (a finding another explains is dropped or loses its advice), most
    /// severe first (then in rule order, then by endpoint).
    /// </summary>
    public static IReadOnlyList<Finding> Findings(RunResult run, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var view = new RunView(run);
        var opts = options ?? AnalysisOptions.Default;
        var order = RuleIds.All.Select((id, i) => (id, i)).ToDictionary(p => p.id, p => p.i);
        var endpointOrder = run.Endpoints.Select((e, i) => (e.Name, i)).GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.First().i);
        return FindingConsolidation.Apply(AllRules.SelectMany(rule => rule.Evaluate(view, opts)).ToList())
            .OrderByDescending(f => f.Severity)
            .ThenBy(f => order.GetValueOrDefault(f.RuleId, int.MaxValue))
            .ThenBy(f => f.Endpoint is null ? -1 : endpointOrder.GetValueOrDefault(f.Endpoint, int.MaxValue))
            .ToList();
    }

    /// <summary>The full analysis of <paramref name="run"/>.</summary>
    public static AnalysisReport Analyze(RunResult run, AnalysisOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(run);
        var opts = options ?? AnalysisOptions.Default;
        var findings = Findings(run, opts);
        var sla = SlaEvaluator.Evaluate(run, opts.Sla ?? run.Sla);
        var recommendations = RecommendationBuilder.Build(findings);
        var cache = CacheTtlAdvisor.Advise(run, findings);
        return new AnalysisReport
        {
            RunName = run.Name,
            Tool = run.Source.Tool,
            Summary = ExecutiveSummary.Build(run, findings, sla, recommendations),
            Findings = findings,
            Sla = sla,
            Recommendations = recommendations,
            CacheTtl = cache,
            Notes = Notes(run, opts),
            Gate = opts.MaxErrorRate is { } limit ? new GateCheck(limit, run.Total.Requests, run.Total.Failures) : null,
        };
    }

    /// <summary>Endpoints the shape rules (variance, queueing, trends) skipped for having too few requests.</summary>
    private static IReadOnlyList<string> Notes(RunResult run, AnalysisOptions options)
    {
        var small = run.Endpoints.Where(e => !e.IsAggregate && e.Requests > 0 && e.Requests < options.MinRequests).ToList();
        if (small.Count == 0)
        {
            return [];
        }

        var names = string.Join(", ", small.Select(e => $"{e.Name} ({e.Requests})"));
        return [$"{small.Count} of {run.Endpoints.Count(e => !e.IsAggregate)} endpoints had fewer than the {options.MinRequests} requests the variance, queueing and trend rules need, so only their errors and p99 were judged: {names}."];
    }
}
