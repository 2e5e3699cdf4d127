using HdrHistogram;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;

namespace Loadlens.Reporting.Tests;

/// <summary>
/// A synthetic open-model run with fixed numbers and real HdrHistograms:
/// 3 one-second intervals (the first is warm-up), endpoints <c>GET /api/items</c>,
/// <c>POST /api/orders, "express"</c> (name with a comma and quotes) and <c>GET /api/health</c> (never called).
/// Measured period: intervals 1 and 2 = 2 s; items 22 requests (1 failure), orders 9 requests (3 failures).
/// </summary>
internal static class TestResults
{
    public const string Items = "/api/items";
    public const string Orders = "/api/orders, \"express\"";
    public const string Health = "/api/health";

    public static readonly DateTimeOffset StartedAt = new(2024, 5, 1, 8, 0, 0, TimeSpan.Zero); // 1714550400

    // Latencies in milliseconds per interval (index 0 = warm-up).
    private static readonly double[][] ItemsMs =
    [
        [4, 5, 6, 7, 8, 9, 10, 11, 12, 13],
        [5, 6, 7, 8, 9, 10, 11, 12, 13, 48.5],
        [6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17],
    ];

    private static readonly double[][] OrdersMs =
    [
        [30, 32, 34, 36, 38],
        [21.25, 25, 30, 250],
        [18.5, 22, 27.75, 95, 5000],
    ];

    private static readonly long[] ItemsFailures = [0, 1, 0];
    private static readonly long[] OrdersFailures = [0, 1, 2];
    private static readonly int[] ActiveUsers = [3, 5, 4];
    private const long ItemsBytes = 512;
    private const long OrdersBytes = 128;

    public static RunResult Create(RunOutcome? outcome = null)
    {
        var intervals = new List<TimeSeriesInterval>();
        var measuredItems = new List<HistogramBase>();
        var measuredOrders = new List<HistogramBase>();
        for (var i = 0; i < 3; i++)
        {
            var items = Histogram(ItemsMs[i]);
            var orders = Histogram(OrdersMs[i]);
            var both = LatencyHistograms.Merge([items, orders]);
            var warmup = i == 0;
            if (!warmup)
            {
                measuredItems.Add(items);
                measuredOrders.Add(orders);
            }

            var itemsEp = IntervalEndpoint(Items, items, ItemsFailures[i], ItemsBytes);
            var ordersEp = IntervalEndpoint(Orders, orders, OrdersFailures[i], OrdersBytes);
            intervals.Add(new TimeSeriesInterval
            {
                Index = i,
                StartSeconds = i,
                DurationSeconds = 1,
                Warmup = warmup,
                ActiveUsers = ActiveUsers[i],
                IntendedRequests = 16,
                LateRequests = 1,
                DroppedRequests = i == 0 ? 0 : 1,
                Endpoints = [itemsEp, ordersEp],
                Total = new IntervalEndpoint
                {
                    Name = EndpointResult.AggregatedName,
                    Requests = itemsEp.Requests + ordersEp.Requests,
                    Failures = itemsEp.Failures + ordersEp.Failures,
                    BytesReceived = itemsEp.BytesReceived + ordersEp.BytesReceived,
                    Latency = LatencyHistograms.ToStats(both),
                    Histogram = LatencyHistograms.Encode(both),
                },
            });
        }

        var itemsTotal = LatencyHistograms.Merge(measuredItems);
        var ordersTotal = LatencyHistograms.Merge(measuredOrders);
        var allTotal = LatencyHistograms.Merge([itemsTotal, ordersTotal]);
        const double measured = 2;

        var itemsResult = new EndpointResult
        {
            Name = Items,
            Method = "GET",
            Requests = 22,
            Failures = 1,
            Latency = LatencyHistograms.ToStats(itemsTotal),
            RequestsPerSecond = 22 / measured,
            BytesSent = 22 * 90,
            BytesReceived = 22 * ItemsBytes,
            StatusCodes = new Dictionary<string, long> { ["200"] = 22 },
            ErrorCategories = new Dictionary<string, long> { ["CheckFailed"] = 1 },
            Histogram = LatencyHistograms.Encode(itemsTotal),
        };
        var ordersResult = new EndpointResult
        {
            Name = Orders,
            Method = "POST",
            Requests = 9,
            Failures = 3,
            Latency = LatencyHistograms.ToStats(ordersTotal),
            RequestsPerSecond = 9 / measured,
            BytesSent = 9 * 240,
            BytesReceived = 9 * OrdersBytes,
            StatusCodes = new Dictionary<string, long> { ["201"] = 6, ["503"] = 2 },
            ErrorCategories = new Dictionary<string, long> { ["Http5xx"] = 2, ["Timeout"] = 1 },
            Histogram = LatencyHistograms.Encode(ordersTotal),
        };
        var healthResult = new EndpointResult
        {
            Name = Health,
            Method = "GET",
            Requests = 0,
            Failures = 0,
            Latency = LatencyStats.Empty,
            RequestsPerSecond = 0,
        };
        var total = new EndpointResult
        {
            Name = EndpointResult.AggregatedName,
            Method = string.Empty,
            Requests = 31,
            Failures = 4,
            Latency = LatencyHistograms.ToStats(allTotal),
            RequestsPerSecond = 31 / measured,
            BytesSent = itemsResult.BytesSent + ordersResult.BytesSent,
            BytesReceived = itemsResult.BytesReceived + ordersResult.BytesReceived,
            StatusCodes = new Dictionary<string, long> { ["200"] = 22, ["201"] = 6, ["503"] = 2 },
            ErrorCategories = new Dictionary<string, long> { ["CheckFailed"] = 1, ["Http5xx"] = 2, ["Timeout"] = 1 },
            Histogram = LatencyHistograms.Encode(allTotal),
        };

        return new RunResult
        {
            Name = "checkout-smoke",
            Source = new RunSource("loadlens", "native"),
            Environment = new RunEnvironment("bench-01", "Ubuntu 24.04 LTS", 8, ".NET 10.0.0", "loadlens", "0.1.0"),
            StartedAt = StartedAt,
            DurationSeconds = 3,
            WarmupSeconds = 1,
            Settings = new RunSettings
            {
                Model = "open",
                Target = "http://localhost:5080",
                Users = 64,
                Rate = 16,
                Stages = [new StageSetting(1, 8), new StageSetting(2, 16)],
                PlannedDurationSeconds = 3,
                TimeoutSeconds = 5,
                HttpVersion = "1.1",
                IntervalSeconds = 1,
            },
            Outcome = outcome ?? RunOutcome.Complete,
            Endpoints = [itemsResult, ordersResult, healthResult],
            Total = total,
            Intervals = intervals,
            Errors =
            [
                new ErrorSummary
                {
                    Endpoint = Orders,
                    Method = "POST",
                    Category = "Http5xx",
                    StatusCode = 503,
                    Count = 2,
                    Message = "Response status code does not indicate success: 503 (Service Unavailable).",
                    FirstSeenSeconds = 1.4,
                },
                new ErrorSummary
                {
                    Endpoint = Orders,
                    Method = "POST",
                    Category = "Timeout",
                    Count = 1,
                    Message = "request timed out after 5 s | no response\nretry disabled",
                    FirstSeenSeconds = 2.9,
                },
                new ErrorSummary
                {
                    Endpoint = Items,
                    Method = "GET",
                    Category = "CheckFailed",
                    StatusCode = 200,
                    Count = 1,
                    Message = "body did not contain \"ok\", got \"degraded\"",
                    FirstSeenSeconds = 1.7,
                },
            ],
            Arrivals = new ArrivalAccounting
            {
                Intended = 48,
                Sent = 46,
                Late = 3,
                Dropped = 2,
                IntendedRate = 16,
                AchievedRate = 15.5,
                MaxSendLagMs = 42.5,
                LateThresholdMs = 10,
            },
            Notes = ["Synthetic result for golden-file tests."],
        };
    }

    private static LongHistogram Histogram(IEnumerable<double> millis)
    {
        var h = LatencyHistograms.Create();
        foreach (var ms in millis)
        {
            h.RecordValue(LatencyHistograms.Clamp((long)Math.Round(ms * 1000)));
        }

        return h;
    }

    private static IntervalEndpoint IntervalEndpoint(string name, LongHistogram h, long failures, long bytesPerResponse) => new()
    {
        Name = name,
        Requests = h.TotalCount,
        Failures = failures,
        BytesReceived = h.TotalCount * bytesPerResponse,
        Latency = LatencyHistograms.ToStats(h),
        Histogram = LatencyHistograms.Encode(h),
    };
}
