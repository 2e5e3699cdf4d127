using Loadlens.Core.Results;
using Loadlens.Reporting.Markdown;

namespace Loadlens.Reporting.Tests;

public sealed class GeneratorWarningTests
{
    [Fact]
    public void SaturatedGenerator_IsAWarningAtTheTopOfTheSummary()
    {
        var result = TestResults.Create() with
        {
            Generator = new GeneratorStats { Transport = "lean-http1", CpuSeconds = 9.5, Saturated = true, SaturationReason = "the generator process used 97 % of its 1 usable core on average" },
        };

        var md = MarkdownSummaryWriter.Render(result);

        var warning = md.IndexOf("> **Warning: the load generator was the bottleneck.** the generator process used 97 % of its 1 usable core on average.", StringComparison.Ordinal);
        warning.ShouldBeGreaterThan(0);
        warning.ShouldBeLessThan(md.IndexOf("## Run settings", StringComparison.Ordinal));
    }

    [Fact]
    public void HealthyGenerator_AddsNoWarning()
    {
        var result = TestResults.Create() with { Generator = new GeneratorStats { Transport = "lean-http1", CpuSeconds = 1, CpuUtilization = 0.3 } };

        MarkdownSummaryWriter.Render(result).ShouldBe(MarkdownSummaryWriter.Render(TestResults.Create()));
    }
}
