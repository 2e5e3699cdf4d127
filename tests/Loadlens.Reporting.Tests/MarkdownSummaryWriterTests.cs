using Loadlens.Core.Results;
using Loadlens.Reporting.Markdown;

namespace Loadlens.Reporting.Tests;

public sealed class MarkdownSummaryWriterTests
{
    [Fact]
    public void Render_IsDeterministic_AndUsesLf()
    {
        var first = MarkdownSummaryWriter.Render(TestResults.Create());
        var second = MarkdownSummaryWriter.Render(TestResults.Create());

        second.ShouldBe(first);
        first.ShouldNotContain("\r");
        first.ShouldStartWith("# Load test summary: checkout-smoke\n");
    }

    [Fact]
    public void Render_EndpointsTable_HasAggregatedRowLastInBold()
    {
        var lines = MarkdownSummaryWriter.Render(TestResults.Create()).Split('\n');
        var header = Array.IndexOf(lines, "| Endpoint | Method | Requests | Failures | Success % | Min | Mean | Median | Stdev | p95 | p99 | Max | req/s |");
        header.ShouldBeGreaterThan(0);

        var rows = lines.Skip(header + 2).TakeWhile(l => l.StartsWith('|')).ToList();
        rows.Count.ShouldBe(4);
        rows[0].ShouldStartWith("| /api/items | GET | 22 | 1 | 95.45 | 5.00 | ");
        rows[1].ShouldStartWith("| /api/orders, \"express\" | POST | 9 | 3 | 66.67 | ");
        rows[2].ShouldBe("| /api/health | GET | 0 | 0 | - | - | - | - | - | - | - | - | 0.00 |");
        rows[3].ShouldStartWith("| **Aggregated** |  | **31** | **4** | **87.10** | ");
        rows[3].ShouldEndWith(" | **15.50** |");
    }

    [Fact]
    public void Render_OpenModel_ShowsArrivals()
    {
        var md = MarkdownSummaryWriter.Render(TestResults.Create());

        md.ShouldContain("## Open-model arrivals");
        md.ShouldContain("| Intended rate | 16.00 req/s |");
        md.ShouldContain("| Achieved rate | 15.50 req/s (96.9 % of intended) |");
        md.ShouldContain("| Dropped (in-flight cap) | 2 (4.17 %) |");
        md.ShouldContain("| Late (> 10.0 ms) | 3 (6.25 %) |");
    }

    [Fact]
    public void Render_ClosedModel_HasNoArrivalsSection()
    {
        var result = TestResults.Create() with
        {
            Arrivals = null,
            Settings = TestResults.Create().Settings with { Model = "closed", Rate = null, Users = 25 },
        };

        var md = MarkdownSummaryWriter.Render(result);

        md.ShouldNotContain("Open-model arrivals");
        md.ShouldContain("| Load model | closed (virtual users) |");
        md.ShouldContain("| Virtual users | 25 (peak) |");
        md.ShouldContain("| Stages | 1 s → 8 users, 2 s → 16 users |");
    }

    [Fact]
    public void Render_CancelledRun_SaysClearlyItIsPartial()
    {
        var md = MarkdownSummaryWriter.Render(TestResults.Create(new RunOutcome(false, "cancelled", "Ctrl+C after 3 s")));

        md.ShouldContain("> **Partial results.**");
        md.ShouldContain("| Outcome | **cancelled: partial results** (Ctrl+C after 3 s) |");
    }

    [Fact]
    public void Render_ErrorsTable_EscapesPipesAndLineBreaks()
    {
        var md = MarkdownSummaryWriter.Render(TestResults.Create());

        md.ShouldContain("| /api/orders, \"express\" | Timeout | - | 1 | request timed out after 5 s \\| no response retry disabled |");
        md.ShouldContain("| /api/orders, \"express\" | Http5xx | 503 | 2 | Response status code does not indicate success: 503 (Service Unavailable). |");
    }

    [Fact]
    public void Render_StatusCodes_AreListedWithShare()
    {
        var md = MarkdownSummaryWriter.Render(TestResults.Create());

        md.ShouldContain("| 200 | 22 | 73.33 |");
        md.ShouldContain("| 503 | 2 | 6.67 |");
    }

    [Theory]
    [InlineData("a|b", "a\\|b")]
    [InlineData("x\r\ny", "x y")]
    [InlineData("*bold* _it_ `code` [l](u) <t>", "\\*bold\\* \\_it\\_ \\`code\\` \\[l\\](u) \\<t\\>")]
    [InlineData("back\\slash", "back\\\\slash")]
    public void Escape_NeutralisesMarkdown(string text, string expected) => MarkdownSummaryWriter.Escape(text).ShouldBe(expected);

    [Fact]
    public void Write_CreatesFileWithoutBom()
    {
        var dir = Path.Combine(Path.GetTempPath(), "loadlens-md-" + Guid.NewGuid().ToString("N"));
        try
        {
            var path = Path.Combine(dir, "out", "summary.md");
            MarkdownSummaryWriter.Write(TestResults.Create(), path);

            var bytes = File.ReadAllBytes(path);
            bytes[0].ShouldBe((byte)'#');
            System.Text.Encoding.UTF8.GetString(bytes).ShouldBe(MarkdownSummaryWriter.Render(TestResults.Create()));
        }
        finally
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }
}
