using System.Text;
using Loadlens.Core.Results;
using Loadlens.Reporting.Csv;

namespace Loadlens.Reporting.Tests;

public sealed class LocustCsvWriterTests : IDisposable
{
    // Locust 2.x headers (research/formats.md §1.2–1.5), hard-coded on purpose.
    private const string LocustStatsHeader =
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%";

    private const string LocustHistoryHeader =
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size";

    private const string LocustFailuresHeader = "Method,Name,Error,Occurrences";

    private readonly string _dir = Path.Combine(Path.GetTempPath(), "loadlens-csv-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    private (string Stats, string History, string Failures, string Exceptions) WriteAll(RunResult? result = null)
    {
        LocustCsvWriter.Write(result ?? TestResults.Create(), _dir, "run");
        string Read(string suffix) => File.ReadAllText(Path.Combine(_dir, "run" + suffix), Encoding.UTF8);
        return (Read("_stats.csv"), Read("_stats_history.csv"), Read("_failures.csv"), Read("_exceptions.csv"));
    }

    private static string[] Lines(string csv)
    {
        csv.ShouldEndWith("\r\n");
        return csv[..^2].Split("\r\n");
    }

    [Fact]
    public void Write_CreatesTheFourLocustFiles()
    {
        LocustCsvWriter.Write(TestResults.Create(), Path.Combine(_dir, "nested"), "my run");

        Directory.GetFiles(Path.Combine(_dir, "nested")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(
            ["my run_exceptions.csv", "my run_failures.csv", "my run_stats.csv", "my run_stats_history.csv"]);
    }

    [Fact]
    public void Headers_AreByteIdenticalToLocust2()
    {
        var (stats, history, failures, exceptions) = WriteAll();

        Lines(stats)[0].ShouldBe(LocustStatsHeader);
        Lines(history)[0].ShouldBe(LocustHistoryHeader);
        Lines(failures)[0].ShouldBe(LocustFailuresHeader);
        exceptions.ShouldBe("Count,Message,Traceback,Nodes\r\n");
    }

    [Fact]
    public void Files_UseCrlfAndNoBom()
    {
        LocustCsvWriter.Write(TestResults.Create(), _dir, "run");

        foreach (var file in Directory.GetFiles(_dir))
        {
            var bytes = File.ReadAllBytes(file);
            bytes.Length.ShouldBeGreaterThan(3);
            bytes.AsSpan(0, 3).SequenceEqual(new byte[] { 0xEF, 0xBB, 0xBF }).ShouldBeFalse(file);
            bytes[^2..].ShouldBe(new byte[] { (byte)'\r', (byte)'\n' }, file);
            // Every row ends in CRLF; a bare LF may only appear inside a quoted field (as in Locust's tracebacks).
            var inQuotes = false;
            for (var i = 0; i < bytes.Length; i++)
            {
                if (bytes[i] == '"')
                {
                    inQuotes = !inQuotes;
                }
                else if (bytes[i] == '\n' && !inQuotes)
                {
                    bytes[i - 1].ShouldBe((byte)'\r', $"{file}: bare LF at byte {i}");
                }
            }

            inQuotes.ShouldBeFalse(file);
        }
    }

    [Fact]
    public void Stats_QuotesNameWithCommaAndQuote()
    {
        var (stats, _, _, _) = WriteAll();

        Lines(stats).ShouldContain(l => l.StartsWith("POST,\"/api/orders, \"\"express\"\"\",9,3,", StringComparison.Ordinal));
    }

    [Fact]
    public void Stats_RowsSortedByNameThenAggregatedLastWithEmptyType()
    {
        var lines = Lines(WriteAll().Stats);

        lines.Length.ShouldBe(5);
        lines[1].ShouldStartWith("GET,/api/health,");
        lines[2].ShouldStartWith("GET,/api/items,22,1,");
        lines[3].ShouldStartWith("POST,\"/api/orders");
        lines[4].ShouldStartWith(",Aggregated,31,4,");
    }

    [Fact]
    public void Stats_ZeroRequestEndpoint_HasNaInEveryPercentileCell()
    {
        var lines = Lines(WriteAll().Stats);

        lines[1].ShouldBe("GET,/api/health,0,0,0,0.0,0,0,0,0.0,0.0," + string.Join(',', Enumerable.Repeat("N/A", 11)));
    }

    [Fact]
    public void Stats_NumbersFollowTheInput()
    {
        var result = TestResults.Create();
        var items = Lines(WriteAll(result).Stats)[2].Split(',');

        items.Length.ShouldBe(22);
        items[4].ShouldBe(((long)Math.Round(result.Endpoints[0].Latency.P50, MidpointRounding.AwayFromZero)).ToString());
        double.Parse(items[5]).ShouldBe(result.Endpoints[0].Latency.Mean);
        items[6].ShouldBe("5.0"); // min 5 ms, Python float repr
        items[8].ShouldBe("512.0"); // bytes / requests
        items[9].ShouldBe("11.0"); // 22 requests / 2 measured seconds
        items[10].ShouldBe("0.5");
        items[^1].ShouldBe("49"); // 100% = max 48.5 ms rounded (HdrHistogram bucket 48.511)
    }

    [Fact]
    public void History_HasOneBatchPerMeasuredInterval_WithCumulativeTotals()
    {
        var result = TestResults.Create();
        var lines = Lines(WriteAll(result).History);

        lines.Length.ShouldBe(1 + 2 * 4); // warm-up skipped; 3 endpoints + Aggregated per interval
        lines[1].ShouldStartWith("1714550402,5,GET,/api/health,0.000000,0.000000,N/A,");
        lines[2].ShouldStartWith("1714550402,5,GET,/api/items,10.000000,1.000000,");
        lines[4].ShouldStartWith("1714550402,5,,Aggregated,14.000000,2.000000,");
        lines[8].ShouldStartWith("1714550403,4,,Aggregated,17.000000,2.000000,");

        // The last Aggregated row's Total columns equal the run totals.
        var last = lines[8].Split(',');
        last.Length.ShouldBe(24);
        last[17].ShouldBe("31");
        last[18].ShouldBe("4");
        var statsAggregated = Lines(WriteAll(result).Stats)[4].Split(',');
        last[19].ShouldBe(statsAggregated[4]); // median
        last[20].ShouldBe(statsAggregated[5]); // average
        last[21].ShouldBe(statsAggregated[6]); // min
        last[22].ShouldBe(statsAggregated[7]); // max
    }

    [Fact]
    public void Failures_OneRowPerGroup_WithStatusTextForHttpFailures()
    {
        var lines = Lines(WriteAll().Failures);

        lines.ShouldBe(
        [
            LocustFailuresHeader,
            "GET,/api/items,\"CheckFailed: body did not contain \"\"ok\"\", got \"\"degraded\"\"\",1",
            "POST,\"/api/orders, \"\"express\"\"\",HTTP 503 Service Unavailable,2",
            "POST,\"/api/orders, \"\"express\"\"\",\"Timeout: request timed out after 5 s | no response\nretry disabled\",1",
        ]);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("", "")]
    [InlineData("a,b", "\"a,b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("two\nlines", "\"two\nlines\"")]
    [InlineData("cr\rhere", "\"cr\rhere\"")]
    public void Quote_IsMinimalRfc4180(string field, string expected) => CsvText.Quote(field).ShouldBe(expected);

    [Theory]
    [InlineData(558.0, "558.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(6.185179473284834, "6.185179473284834")]
    [InlineData(0.1, "0.1")]
    [InlineData(1e-05, "1e-05")]
    [InlineData(2.5e20, "2.5e+20")]
    public void PyFloat_MatchesPythonRepr(double value, string expected) => PyFormat.Float(value).ShouldBe(expected);

    [Theory]
    [InlineData(5.499, "5")]
    [InlineData(5.5, "6")]
    [InlineData(48.511, "49")]
    [InlineData(0.4, "0")]
    public void Millis_RoundsToNearest(double ms, string expected) => PyFormat.Millis(ms).ShouldBe(expected);
}
