using Loadlens.Reporting.Csv;
using Loadlens.Reporting.Markdown;

namespace Loadlens.Reporting.Tests;

public sealed class GoldenFileTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "loadlens-reporting-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Theory]
    [InlineData("stats.csv")]
    [InlineData("stats_history.csv")]
    [InlineData("failures.csv")]
    public void LocustCsv_MatchesGolden(string file)
    {
        LocustCsvWriter.Write(TestResults.Create(), _dir, "run");

        Golden.AssertMatches(file, Path.Combine(_dir, "run_" + file));
    }

    [Fact]
    public void Summary_MatchesGolden()
    {
        var path = Path.Combine(_dir, "summary.md");
        MarkdownSummaryWriter.Write(TestResults.Create(), path);

        Golden.AssertMatches("summary.md", path);
    }
}
