using Loadlens.Core.Results;
using Loadlens.Core.Statistics;

namespace Loadlens.Reporting;

/// <summary>One formatted row of the per-endpoint result table (Markdown and console use the same cells).</summary>
internal sealed record EndpointRow(
    string Endpoint,
    string Method,
    string Requests,
    string Failures,
    string SuccessPercent,
    string Min,
    string Mean,
    string Median,
    string StdDev,
    string P95,
    string P99,
    string Max,
    string RequestsPerSecond,
    bool IsAggregate,
    bool HasFailures)
{
    /// <summary>Column headings, in order.</summary>
    public static IReadOnlyList<string> Headings { get; } =
        ["Endpoint", "Method", "Requests", "Failures", "Success %", "Min", "Mean", "Median", "Stdev", "p95", "p99", "Max", "req/s"];

    /// <summary>The cells after <see cref="Endpoint"/> and <see cref="Method"/>, in heading order.</summary>
    public IReadOnlyList<string> NumericCells =>
        [Requests, Failures, SuccessPercent, Min, Mean, Median, StdDev, P95, P99, Max, RequestsPerSecond];
}

/// <summary>Builds the per-endpoint rows: endpoints in result order, then the aggregate.</summary>
internal static class EndpointRows
{
    /// <summary>Rows for every endpoint of <paramref name="result"/> followed by the Aggregated row.</summary>
    public static IReadOnlyList<EndpointRow> Build(RunResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        var rows = new List<EndpointRow>(result.Endpoints.Count + 1);
        foreach (var endpoint in result.Endpoints)
        {
            rows.Add(Row(endpoint, result.MeasuredSeconds, isAggregate: false));
        }

        rows.Add(Row(result.Total, result.MeasuredSeconds, isAggregate: true));
        return rows;
    }

    private static EndpointRow Row(EndpointResult e, double measuredSeconds, bool isAggregate)
    {
        var latency = e.Latency;
        var hasLatency = e.Requests > 0 && latency.Count > 0;
        string L(double ms) => hasLatency ? ReportFormat.Ms(ms) : ReportFormat.None;
        return new EndpointRow(
            Endpoint: isAggregate ? EndpointResult.AggregatedName : e.Name,
            Method: isAggregate ? string.Empty : e.Method,
            Requests: ReportFormat.Count(e.Requests),
            Failures: ReportFormat.Count(e.Failures),
            SuccessPercent: ReportFormat.Percent(e.Requests - e.Failures, e.Requests),
            Min: L(latency.Min),
            Mean: L(latency.Mean),
            Median: L(latency.P50),
            StdDev: L(latency.StdDev),
            P95: L(latency.P95),
            P99: L(latency.P99),
            Max: L(latency.Max),
            RequestsPerSecond: ReportFormat.Rate(RequestRates.PerSecond(e.Requests, measuredSeconds)),
            IsAggregate: isAggregate,
            HasFailures: e.Failures > 0);
    }
}
