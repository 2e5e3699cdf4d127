using Loadlens.Core.Results;
using Loadlens.Reporting.Console;
using Spectre.Console.Testing;

namespace Loadlens.Reporting.Tests;

public sealed class ResultTableRendererTests
{
    private static TestConsole NewConsole() => new TestConsole().Width(220);

    [Fact]
    public void Write_RendersEndpointsNumbersAndFooter()
    {
        var console = NewConsole();
        var result = TestResults.Create();

        ResultTableRenderer.Write(console, result);
        var output = console.Output;

        foreach (var heading in new[] { "Endpoint", "Method", "Requests", "Failures", "Success %", "Mean", "Median", "p95", "p99", "req/s" })
        {
            output.ShouldContain(heading);
        }

        output.ShouldContain("/api/items");
        output.ShouldContain("/api/orders, \"express\"");
        output.ShouldContain("/api/health");
        output.ShouldContain("Aggregated");
        output.ShouldContain("95.45"); // items success %
        output.ShouldContain("66.67"); // orders success %
        output.ShouldContain("15.50"); // aggregated req/s
        output.ShouldContain("5.00"); // items min (ms)

        var lines = output.TrimEnd().Split('\n');
        lines[^1].TrimEnd().ShouldBe(
            "31 requests, 4 failures (12.90 %) in 2 s measured; completed; arrivals: 48 intended, 46 sent, 3 late, 2 dropped (15.50 of 16.00 req/s)");
    }

    [Fact]
    public void Table_ListsEndpointsInOrderWithAggregatedLast()
    {
        var console = NewConsole();

        console.Write(ResultTableRenderer.BuildTable(TestResults.Create()));
        var lines = console.Lines;

        var items = lines.ToList().FindIndex(l => l.Contains("/api/items", StringComparison.Ordinal));
        var orders = lines.ToList().FindIndex(l => l.Contains("/api/orders", StringComparison.Ordinal));
        var aggregated = lines.ToList().FindIndex(l => l.Contains("Aggregated", StringComparison.Ordinal));
        items.ShouldBeGreaterThan(0);
        orders.ShouldBeGreaterThan(items);
        aggregated.ShouldBeGreaterThan(orders);
        lines[items].ShouldContain("22");
        lines[aggregated].ShouldContain("31");
    }

    [Fact]
    public void Write_CancelledClosedRun_FooterSaysPartialWithoutArrivals()
    {
        var console = NewConsole();
        var result = TestResults.Create(new RunOutcome(false, "cancelled")) with { Arrivals = null };

        ResultTableRenderer.Write(console, result);

        var footer = console.Output.TrimEnd().Split('\n')[^1];
        footer.ShouldContain("cancelled (partial results)");
        footer.ShouldNotContain("arrivals");
    }
}

/// <summary>The console table as a whole, fixed width and no colour, pinned in Golden/console-table.txt.</summary>
public sealed class ResultTableRendererGoldenTests
{
    [Fact]
    public void Table_matches_golden()
    {
        var console = new TestConsole().Width(160);
        ResultTableRenderer.Write(console, TestResults.Create());
        Golden.AssertMatches("console-table.txt", System.Text.Encoding.UTF8.GetBytes(console.Output.ReplaceLineEndings("\n")));
    }
}
