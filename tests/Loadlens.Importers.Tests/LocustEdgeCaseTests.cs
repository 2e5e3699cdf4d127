using Loadlens.Core;
using Loadlens.Core.Results;

namespace Loadlens.Importers.Tests;

/// <summary>Locust variants beyond the 2.12 fixture: 2.44 failures, percentile subsets, N/A, quoting, line ends, cut files.</summary>
public sealed class LocustEdgeCaseTests
{
    private const string Stats =
        "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,Max Response Time,Average Content Size,Requests/s,Failures/s,50%,90%,99%,100%\n"
        + "GET,\"/home, page\",131,0,6,6.185179473284834,2.161940999997114,34.43767999999636,558.0,26.214686410457443,0.0,6,9,14,34\n"
        + "POST,/idle,0,0,0,0.0,0,0,0,0.0,0.0,N/A,N/A,N/A,N/A\n"
        + "GET,/missing,135,135,5,5.923764222217819,2.5576589999900534,44.23558299998831,335.0,27.01513485047141,27.01513485047141,5,8,43,44\n"
        + ",Aggregated,266,135,5,6.052506319547815,2.161940999997114,44.23558299998831,444.8233082706767,53.22982126092885,27.01513485047141,5,9,34,44\n";

    private const string Failures =
        "Method,Name,Error,Occurrences,First Seen,Last Seen\n"
        + "GET,/missing,\"HTTPError('404 Client Error: Not Found for url: /missing')\",135,2024-05-01T08:00:01Z,2024-05-01T08:00:05Z\n";

    private const string History =
        "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,90%,99%,100%,Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,Total Min Response Time,Total Max Response Time,Total Average Content Size\n"
        + "1714550400,0,,Aggregated,0.000000,0.000000,N/A,N/A,N/A,N/A,0,0,0,0.0,0,0,0\n"
        + "1714550401,5,,Aggregated,0.000000,0.000000,5,9,30,40,50,20,5,6.0,2.16,40,440.0\n"
        + "1714550402,5,,Aggregated,50.000000,20.000000,5,9,34,44,120,60,5,6.5,2.16,44.2,444.8\n"
        + "1714550403,5,,Aggregated,5";

    private static string Write(Fixture.TempDir temp, string lineEnd)
    {
        string Ends(string s) => s.Replace("\n", lineEnd, StringComparison.Ordinal);
        temp.Write("run_stats.csv", Ends(Stats));
        temp.Write("run_failures.csv", Ends(Failures));
        temp.Write("run_stats_history.csv", Ends(History));
        temp.Write("run_exceptions.csv", Ends("Count,Message,Traceback,Nodes\n2,ZeroDivisionError('division by zero'),\"Traceback (most recent call last):\n  File \"\"x.py\"\", line 3\",local\n"));
        return Path.Combine(temp.Path, "run");
    }

    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r\r\n")]
    public async Task Locust_2_44_files_with_any_line_end(string lineEnd)
    {
        using var temp = Fixture.Temp();
        var run = await ResultImporter.ImportAsync(Write(temp, lineEnd));

        run.Environment.ToolVersion.ShouldBe("2.44+");
        run.Endpoints.Select(e => (e.Method, e.Name, e.Requests)).ShouldBe([("GET", "/home, page", 131L), ("POST", "/idle", 0L), ("GET", "/missing", 135L)]);
        var home = run.Endpoints[0].Latency;
        (home.P50, home.P66, home.P75, home.P80, home.P90, home.P95, home.P98, home.P99, home.P999, home.P9999).ShouldBe((6.0, 9.0, 9.0, 9.0, 9.0, 14.0, 14.0, 14.0, 34.0, 34.0));
        home.Max.ShouldBe(34.43767999999636);
        run.Endpoints[1].Latency.ShouldBe(LatencyStats.Empty);
        run.Endpoints[2].FailureRate.ShouldBe(1);
        run.Notes.ShouldContain(n => n.Contains("Percentile columns missing", StringComparison.Ordinal) && n.Contains("66%", StringComparison.Ordinal) && !n.Contains("90%", StringComparison.Ordinal));

        var error = run.Errors.ShouldHaveSingleItem();
        (error.StatusCode, error.Category, error.Count, error.FirstSeenSeconds).ShouldBe((404, "Http4xx", 135L, 1.0));
        run.Endpoints[2].StatusCodes.ShouldBe(new Dictionary<string, long> { ["404"] = 135 });

        run.DurationSeconds.ShouldBe(Math.Round(266 / 53.22982126092885, 3));
        run.Notes.ShouldContain(n => n.Contains("User code raised 2 exception(s)", StringComparison.Ordinal) && n.Contains("ZeroDivisionError", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Aggregated_only_history_gives_total_intervals_and_drops_a_cut_last_line()
    {
        using var temp = Fixture.Temp();
        var run = await ResultImporter.ImportAsync(Write(temp, "\r\n"));

        run.Intervals.Count.ShouldBe(2);
        run.Intervals.ShouldAllBe(i => i.Endpoints.Count == 0);
        run.Intervals.Select(i => (i.Total.Requests, i.Total.Failures, i.ActiveUsers)).ShouldBe([(50L, 20L, 5), (70L, 40L, 5)]);
        run.Intervals[0].Total.Latency.Mean.ShouldBe(6.0, 1e-9);
        run.Intervals[1].Total.Latency.Mean.ShouldBe(((6.5 * 120) - (6.0 * 50)) / 70, 1e-9);
        // cumulative percentiles are not per-interval: the interval's own mean stands in
        run.Intervals[1].Total.Latency.P99.ShouldBe(run.Intervals[1].Total.Latency.Mean);
        run.Notes.ShouldContain(n => n.Contains("without --csv-full-history", StringComparison.Ordinal));
        run.Notes.ShouldContain(n => n.Contains("ends with an incomplete row", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Missing_optional_files_are_noted_and_missing_stats_is_an_error()
    {
        using var temp = Fixture.Temp();
        temp.Write("only_stats.csv", Stats);
        var run = await ResultImporter.ImportAsync(Path.Combine(temp.Path, "only"));
        run.Intervals.ShouldBeEmpty();
        run.Errors.ShouldBeEmpty();
        run.Notes.ShouldContain(n => n.Contains("only_stats_history.csv is missing", StringComparison.Ordinal));
        run.Notes.ShouldContain(n => n.Contains("only_failures.csv is missing", StringComparison.Ordinal));

        temp.Write("lonely_failures.csv", Failures);
        var ex = await Should.ThrowAsync<InputFormatException>(() => ResultImporter.ImportAsync(Path.Combine(temp.Path, "lonely_failures.csv")));
        ex.Problem.ShouldContain("needs PREFIX_stats.csv");
    }

    [Fact]
    public async Task An_empty_history_file_is_noted_once()
    {
        using var temp = Fixture.Temp();
        temp.Write("e_stats.csv", Stats);
        temp.Write("e_stats_history.csv", string.Empty);
        var run = await ResultImporter.ImportAsync(Path.Combine(temp.Path, "e"));
        run.Intervals.ShouldBeEmpty();
        run.Notes.Count(n => n.Contains("e_stats_history.csv", StringComparison.Ordinal)).ShouldBe(1);
        run.Notes.ShouldContain(n => n.Contains("e_stats_history.csv is empty", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Duplicate_names_with_different_methods_get_the_method_in_their_name()
    {
        using var temp = Fixture.Temp();
        temp.Write("dup_stats.csv", Stats.Replace("POST,/idle", "POST,/missing", StringComparison.Ordinal));
        var run = await ResultImporter.ImportAsync(Path.Combine(temp.Path, "dup_stats.csv"));
        run.Endpoints.Select(e => e.Name).ShouldBe(["/home, page", "POST /missing", "GET /missing"]);
    }

    [Theory]
    [InlineData("Type,Name,Request Count\nGET,/x,1\n", 1, "missing column 'Failure Count'")]
    [InlineData("Type,Name,Request Count,Failure Count,Average Response Time,Min Response Time,Max Response Time,Requests/s\nGET,/x,1,2,1,1,1,1\n", 2, "Failure Count 2 is larger than Request Count 1")]
    [InlineData("Type,Name,Request Count,Failure Count,Average Response Time,Min Response Time,Max Response Time,Requests/s\nGET,/x,1,0,abc,1,1,1\n", 2, "'Average Response Time': 'abc' is not a number")]
    [InlineData("Type,Name,Request Count,Failure Count,Average Response Time,Min Response Time,Max Response Time,Requests/s\nGET,/x,1,0,1,1,1\n", 2, "expected 8 fields like the header, found 7")]
    [InlineData("Type,Name,Request Count,Failure Count,Average Response Time,Min Response Time,Max Response Time,Requests/s\nGET,/x,1,0,1,5,1,1\n", 2, "Min Response Time 5 is larger than Max Response Time 1")]
    [InlineData("Type,Name,Request Count,Failure Count,Average Response Time,Min Response Time,Max Response Time,Requests/s\n", 2, "no data rows")]
    public async Task Bad_stats_files_give_located_errors(string content, int line, string problem)
    {
        using var temp = Fixture.Temp();
        var path = temp.Write("bad_stats.csv", content);
        var ex = await Should.ThrowAsync<InputFormatException>(() => ResultImporter.ImportAsync(path));
        ex.Source.ShouldBe(path);
        ex.Line.ShouldBe(line);
        ex.Problem.ShouldContain(problem);
    }
}
