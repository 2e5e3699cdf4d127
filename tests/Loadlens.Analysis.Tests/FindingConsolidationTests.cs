using Loadlens.Analysis.Rules;
using Loadlens.Core.Findings;

namespace Loadlens.Analysis.Tests;

/// <summary>One cause, one recommendation: a finding another explains keeps its evidence but not its advice.</summary>
public sealed class FindingConsolidationTests
{
    private static Finding F(string rule, string? endpoint = null) => new(
        rule,
        FindingSeverity.Warning,
        endpoint,
        $"{rule} title",
        [new Core.Findings.Evidence("x", 1, "ms")],
        new Recommendation(RecommendationTier.ShortTerm, $"{rule} advice"));

    [Fact]
    public void A_saturated_cpu_is_the_one_queue_of_a_shared_bottleneck_and_a_serialized_resource()
    {
        var kept = FindingConsolidation.Apply([F(RuleIds.CpuSaturation), F(RuleIds.SerializedResource, "GET /a"), F(RuleIds.SharedBottleneck)]);

        var shared = kept.Single(f => f.RuleId == RuleIds.SharedBottleneck);
        shared.Title.ShouldEndWith($"(the CPU, see {RuleIds.CpuSaturation})");
        shared.Recommendation.ShouldBeNull();
        shared.Evidence.ShouldNotBeEmpty();
        kept.ShouldNotContain(f => f.RuleId == RuleIds.SerializedResource); // the shared bottleneck already explains it
        kept.Single(f => f.RuleId == RuleIds.CpuSaturation).Recommendation!.Text.ShouldBe("cpu-saturation advice");

        var alone = FindingConsolidation.Apply([F(RuleIds.CpuSaturation), F(RuleIds.SerializedResource, "GET /a")]);
        alone.Single(f => f.RuleId == RuleIds.SerializedResource).Recommendation.ShouldBeNull();
    }

    [Fact]
    public void The_pool_explains_the_shared_queue_before_the_cpu_does_and_without_either_the_advice_stays()
    {
        var withPool = FindingConsolidation.Apply([F(RuleIds.CpuSaturation), F(RuleIds.PoolWait), F(RuleIds.SharedBottleneck)]);
        withPool.Single(f => f.RuleId == RuleIds.SharedBottleneck).Title.ShouldEndWith($"(the connection pool, see {RuleIds.PoolWait})");

        var plain = FindingConsolidation.Apply([F(RuleIds.SharedBottleneck)]);
        plain.Single().Recommendation!.Text.ShouldBe("shared-bottleneck advice");
    }
}
