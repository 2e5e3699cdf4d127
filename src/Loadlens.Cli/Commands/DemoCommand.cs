using System.CommandLine;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Loadlens.Analysis;
using Loadlens.Analysis.Compare;
using Loadlens.Cli.Infrastructure;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.DemoApi;
using Loadlens.Pipeline;

namespace Loadlens.Cli.Commands;

/// <summary>
/// <c>loadlens demo</c>: the whole journey in one command. Starts the demo booking API as a child process with its flaws on
/// (profiler exporting to the OTLP receiver, the database planned with <c>--db</c>), runs a mixed run, prints and writes the
/// diagnosis (which flaw was named by which finding), restarts the API with every fix on, runs the same mix again, sweeps
/// the fixed API for the sizing advice (what to deploy) and ends with the baseline-vs-optimized comparison. Every step goes through <see cref="LoadlensPipeline"/>;
/// both runs are saved to the history. One report folder: <c>sweep/</c>, <c>baseline/</c>, <c>optimized/</c>,
/// <c>comparison.md</c>, <c>demo.md</c>.
/// </summary>
internal static class DemoCommand
{
    private static readonly Option<bool> Quick = new("--quick") { Description = "A shorter journey (under a minute): 3 sweep steps of 3 s and two 10 s runs" };
    private static readonly Option<string?> Duration = new("--duration", "-d") { Description = "Length of each mixed run (default 20s; 10s with --quick)" };
    private static readonly Option<int?> Users = new("--users", "-u") { Description = "Virtual users of the mixed runs (default 32)" };
    private static readonly Option<string?> Out = new("--out", "-o") { Description = "Report folder (default ./loadlens-results/demo-<timestamp>/)" };
    private static readonly Option<string?> Flaws = new("--flaws") { Description = "Flaws of the baseline: all (default) or a comma list (n-plus-one, unindexed-filter, uncached-aggregate, single-writer, small-pool, sync-over-async, bloated-response)" };
    private static readonly Option<bool> NoSweep = new("--no-sweep") { Description = "Skip the sweep" };
    private static readonly Option<string?> TargetRate = SharedOptions.TargetRateOption();

    public static Command Create(Func<CliContext> context)
    {
        var command = new Command("demo", "Start the demo booking API with its flaws, diagnose it, fix it and measure the difference (the whole journey in one command)")
        {
            Quick, Duration, Users, Out, Flaws, NoSweep, TargetRate, HistoryCommand.Connection,
        };
        command.SetAction(async (parse, ct) =>
        {
            var cli = context();
            var quick = parse.GetValue(Quick);
            if (!SharedOptions.TryMap(cli, () => parse.GetValue(Duration) is { } d ? OptionText.Duration(d, "--duration") : TimeSpan.FromSeconds(quick ? 10 : 20), out var duration))
            {
                return ExitCodes.UsageError;
            }

            var users = parse.GetValue(Users) ?? 32;
            if (users < 1 || duration <= TimeSpan.FromSeconds(2))
            {
                cli.Error.WriteLine("error: the demo needs at least 1 user and runs of more than 2 s");
                return ExitCodes.UsageError;
            }

            if (!DemoFlawNames.TryParse(parse.GetValue(Flaws) ?? "all", out var flaws, out var flawError))
            {
                cli.Error.WriteLine("error: " + flawError);
                return ExitCodes.UsageError;
            }

            if (!SharedOptions.TryMap(cli, () => SharedOptions.TargetRateValue(parse, TargetRate) ?? 200, out var targetRate))
            {
                return ExitCodes.UsageError;
            }

            var journey = new DemoJourney(cli, new DemoJourney.Settings
            {
                TargetRate = targetRate,
                Flaws = flaws,
                Users = users,
                Duration = duration,
                Quick = quick,
                Sweep = !parse.GetValue(NoSweep),
                Root = Path.GetFullPath(parse.GetValue(Out) ?? OutputFolder.Default("demo", cli.TimeProvider.GetUtcNow())),
                History = new HistoryOptions { Connection = parse.GetValue(HistoryCommand.Connection) },
            });
            return await journey.RunAsync(ct);
        });
        return command;
    }

    /// <summary>The booking mix: mostly reads, some writes; asks for gzip like a browser does.</summary>
    internal static ScenarioDefinition Scenario(Uri baseUrl, int users, TimeSpan duration) => new()
    {
        Name = "demo",
        BaseUrl = baseUrl,
        Headers = new Dictionary<string, string> { ["Accept-Encoding"] = "gzip" },
        Feeders =
        [
            new FeederDefinition { Name = "chefId", Kind = FeederKind.Range, From = 1, To = 400, Order = FeederOrder.Random },
            new FeederDefinition { Name = "page", Kind = FeederKind.Range, From = 1, To = 20, Order = FeederOrder.Random },
            new FeederDefinition { Name = "month", Kind = FeederKind.Range, From = 10, To = 12, Order = FeederOrder.Random },
            new FeederDefinition { Name = "day", Kind = FeederKind.Range, From = 10, To = 28, Order = FeederOrder.Random },
            new FeederDefinition { Name = "hour", Kind = FeederKind.Range, From = 12, To = 21, Order = FeederOrder.Random },
            new FeederDefinition { Name = "guests", Kind = FeederKind.Range, From = 2, To = 8, Order = FeederOrder.Random },
        ],
        Endpoints =
        [
            new EndpointDefinition { Name = DemoEndpoints.ChefList, Path = "/api/chefs?page={{page}}&pageSize=20", Weight = 4, ExpectStatus = [200] },
            new EndpointDefinition { Name = DemoEndpoints.ChefDetail, Path = "/api/chefs/{{chefId}}", Weight = 4, ExpectStatus = [200] },
            new EndpointDefinition { Name = DemoEndpoints.Reviews, Path = "/api/chefs/{{chefId}}/reviews", Weight = 2, ExpectStatus = [200] },
            new EndpointDefinition { Name = DemoEndpoints.BookingsOfDay, Path = "/api/bookings?date=2025-{{month}}-{{day}}", Weight = 3, ExpectStatus = [200] },
            new EndpointDefinition { Name = DemoEndpoints.Stats, Path = "/api/stats/cuisines", Weight = 2, ExpectStatus = [200] },
            new EndpointDefinition
            {
                Name = DemoEndpoints.Book,
                Method = "POST",
                Path = "/api/bookings",
                Headers = new Dictionary<string, string> { ["Content-Type"] = "application/json" },
                Body = "{\"chefId\": {{chefId}}, \"customer\": \"Guest {{page}}\", \"date\": \"2025-{{month}}-{{day}}\", \"hour\": {{hour}}, \"guests\": {{guests}}}",
                Weight = 2,
                ExpectStatus = [201],
            },
        ],
        Load = new LoadProfile
        {
            Users = users,
            Duration = duration,
            // Short: the demo warms each fresh API first (DemoApiProcess.WarmAsync, one request per endpoint), and the
            // first seconds after a deploy are where a blocking flaw (sync-over-async) costs most.
            WarmUp = TimeSpan.FromSeconds(Math.Min(1, duration.TotalSeconds / 5)),
        },
        Sla =
        [
            new SlaTarget { Endpoint = "*", P95Ms = 200, P99Ms = 500, MaxErrorRate = 0.01 },
        ],
        RequestTimeout = TimeSpan.FromSeconds(10),
    };
}

/// <summary>The demo scenario's endpoint names.</summary>
internal static class DemoEndpoints
{
    public const string ChefList = "GET /api/chefs";
    public const string ChefDetail = "GET /api/chefs/{id}";
    public const string Reviews = "GET /api/chefs/{id}/reviews";
    public const string BookingsOfDay = "GET /api/bookings?date";
    public const string Stats = "GET /api/stats/cuisines";
    public const string Book = "POST /api/bookings";
}

/// <summary>Which finding names which flaw of the demo API, and where.</summary>
internal static class DemoDiagnosis
{
    /// <summary>The rule id of the thread-pool starvation detector (EventPipe counters of the API process).</summary>

    /// <summary>One flaw: the finding expected for it (endpoint null: a run-level finding or any endpoint).</summary>
    internal sealed record Expectation(DemoFlaws Flaw, string Description, string RuleId, string? Endpoint, string Fix);

    internal static readonly IReadOnlyList<Expectation> All =
    [
        new(DemoFlaws.NPlusOne, "N+1 queries on the chef list", RuleIds.NPlusOne, DemoEndpoints.ChefList, "one grouped rating query per page"),
        new(DemoFlaws.UnindexedFilter, "a filter on an unindexed column of bookings", RuleIds.MissingIndex, DemoEndpoints.BookingsOfDay, "CREATE INDEX ix_bookings_date ON bookings(date)"),
        new(DemoFlaws.UncachedAggregate, "an expensive aggregate recomputed per request", RuleIds.UncachedAggregate, DemoEndpoints.Stats, "the aggregate cached for 30 s"),
        new(DemoFlaws.SingleWriter, "SQLite writes without WAL, one writer at a time", RuleIds.WriteLockWait, DemoEndpoints.Book, "WAL + synchronous=NORMAL + busy_timeout"),
        new(DemoFlaws.SmallPool, "a pool of 4 connections, each held for a whole request", RuleIds.PoolWait, null, "a pool sized for the load (unbounded here)"),
        new(DemoFlaws.SyncOverAsync, "sync-over-async on the chef page (a blocking wait on async work)", RuleIds.ThreadPoolStarvation, null, "await instead of blocking"),
        new(DemoFlaws.BloatedResponse, "a bloated, uncompressed reviews response", RuleIds.LargeResponse, DemoEndpoints.Reviews, "a lean page of 20 excerpts + gzip"),
    ];

    /// <summary>The finding that names <paramref name="e"/> in <paramref name="findings"/>, if any.</summary>
    internal static Core.Findings.Finding? Match(Expectation e, IReadOnlyList<Core.Findings.Finding> findings) =>
        findings.FirstOrDefault(f => f.RuleId == e.RuleId && (e.Endpoint is null || f.Endpoint is null || f.Endpoint == e.Endpoint));

    /// <summary>The flaw rules' findings (any endpoint) in <paramref name="findings"/>: none should remain once the fixes are on.</summary>
    internal static IReadOnlyList<Core.Findings.Finding> Remaining(IReadOnlyList<Core.Findings.Finding> findings) =>
        findings.Where(f => All.Any(e => e.RuleId == f.RuleId)).ToList();
}

/// <summary>The steps of <c>loadlens demo</c>; the CLI's part is choosing options and printing.</summary>
internal sealed class DemoJourney(CliContext cli, DemoJourney.Settings settings)
{
    internal sealed record Settings
    {
        public required DemoFlaws Flaws { get; init; }

        public required int Users { get; init; }

        public required TimeSpan Duration { get; init; }

        public bool Quick { get; init; }

        public bool Sweep { get; init; } = true;

        /// <summary>The rate the sizing advice plans for (<c>--target-rate</c>, default 200/s).</summary>
        public double TargetRate { get; init; } = 200;

        public required string Root { get; init; }

        public required HistoryOptions History { get; init; }
    }

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private int _step;

    public async Task<int> RunAsync(CancellationToken ct)
    {
        var started = System.Diagnostics.Stopwatch.StartNew();
        Directory.CreateDirectory(settings.Root);
        var database = Path.Combine(Path.GetTempPath(), $"loadlens-demo-{Guid.NewGuid():N}.db");
        var otlpPort = FreePort();
        var otlp = new Uri($"http://127.0.0.1:{otlpPort}/v1/traces");
        var steps = settings.Sweep ? 6 : 5;
        try
        {
            // 1 the flawed API, freshly started, as after a deploy: a pool that starts small and has to grow while requests
            // block is what sync-over-async costs (a sweep first would have grown it).
            Step(steps, $"Start the demo booking API with flaws: {DemoFlawNames.Format(settings.Flaws)}");
            PipelineResult baseline;
            PipelineResult? sweep = null;
            await using (var api = await StartApiAsync(settings.Flaws, database, otlp, ct))
            {
                var scenario = DemoCommand.Scenario(api.BaseAddress, settings.Users, settings.Duration);
                Step(steps, $"The mixed run against the flawed API: {settings.Users} users for {settings.Duration.TotalSeconds:0} s");
                await api.WarmAsync(ct);
                baseline = await LoadlensPipeline.RunAsync(RunOptions(scenario, "baseline", otlpPort, api, "flawed"), ct);
                ResultPrinter.Print(baseline, cli);
                if (Stopped(baseline, ct) is { } code)
                {
                    return code;
                }
            }

            Step(steps, "The diagnosis: which finding names which flaw");
            var diagnosis = Diagnose(baseline.Analysis!.Findings);

            // 2 the fixed API, same data (the bookings written meanwhile included); then the sweep that sizes it, since the
            // fixed build is the one to deploy
            Step(steps, "Switch the fixes on (restart the API with --flaws none) and run the same mix again");
            PipelineResult optimized;
            await using (var api = await StartApiAsync(DemoFlaws.None, database, otlp, ct))
            {
                var scenario = DemoCommand.Scenario(api.BaseAddress, settings.Users, settings.Duration);
                await api.WarmAsync(ct);
                optimized = await LoadlensPipeline.RunAsync(RunOptions(scenario, "optimized", otlpPort, api, "fixed"), ct);
                ResultPrinter.Print(optimized, cli);
                if (Stopped(optimized, ct) is { } code)
                {
                    return code;
                }

                if (settings.Sweep)
                {
                    Step(steps, $"A short sweep of the fixed API: how throughput and latency grow with users, and what it takes to serve {settings.TargetRate:0.#} req/s");
                    sweep = await LoadlensPipeline.SweepAsync(new SweepOptions
                    {
                        Scenario = ScenarioRequest.For(scenario),
                        Levels = settings.Quick ? [2, 8, 16] : [1, 4, 8, 16, 32],
                        StepDuration = TimeSpan.FromSeconds(settings.Quick ? 3 : 6),
                        StepWarmup = TimeSpan.FromSeconds(1),
                        Runner = Runner(),
                        OutputDirectory = Path.Combine(settings.Root, "sweep"),
                        TargetRate = settings.TargetRate,
                        Hooks = [Evidence(otlpPort, api), .. Monitors(api), new ConsoleRunHook(cli)],
                    }, ct);
                    ResultPrinter.Print(sweep, cli);
                    if (Stopped(sweep, ct) is { } stopped)
                    {
                        return stopped;
                    }
                }
            }

            var remaining = DemoDiagnosis.Remaining(optimized.Analysis!.Findings);
            cli.Out.WriteLine(remaining.Count == 0
                ? "With the fixes on, none of the flaws' findings is reported."
                : $"With the fixes on, still reported: {string.Join("; ", remaining.Select(f => $"{f.RuleId} ({f.Endpoint ?? "run"})"))}");

            Step(steps, "Baseline vs optimized");
            var comparison = await LoadlensPipeline.CompareAsync(new Pipeline.CompareOptions
            {
                Baseline = CompareInput.FromRun(baseline.Run!, $"baseline (flaws: {DemoFlawNames.Format(settings.Flaws)})"),
                Candidate = CompareInput.FromRun(optimized.Run!, "optimized (fixes on)"),
                Format = "md",
                OutputFile = Path.Combine(settings.Root, "comparison.md"),
            }, ct);
            ResultPrinter.Print(comparison, cli);
            cli.Out.WriteLine(Resources(baseline.Run, optimized.Run));

            var story = Path.Combine(settings.Root, "demo.md");
            await File.WriteAllTextAsync(story, Story(diagnosis, remaining, comparison.Comparison, baseline, optimized, sweep), ct);
            cli.Out.WriteLine();
            cli.Out.WriteLine($"The whole story: {story}");
            cli.Out.WriteLine($"Report folder: {settings.Root}{Path.DirectorySeparatorChar} (sweep/, baseline/, optimized/ with summary.md, analysis.md, report.html; comparison.md; demo.md)");
            cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Demo finished in {started.Elapsed.TotalSeconds:0} s."));
            return comparison.Verdict is Verdict.UsageError or Verdict.RunFailed ? comparison.ExitCode : ExitCodes.Ok;
        }
        catch (InvalidOperationException ex) when (ex.Message.StartsWith("the demo API", StringComparison.Ordinal))
        {
            cli.Error.WriteLine("error: " + ex.Message);
            return ExitCodes.RunFailed;
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            cli.Error.WriteLine("The demo was interrupted.");
            return ExitCodes.RunFailed;
        }
        finally
        {
            foreach (var file in new[] { database, database + "-journal", database + "-wal", database + "-shm" })
            {
                try
                {
                    File.Delete(file);
                }
                catch (IOException)
                {
                }
            }
        }
    }

    private async Task<DemoApiProcess> StartApiAsync(DemoFlaws flaws, string database, Uri otlp, CancellationToken ct)
    {
        var api = await DemoApiProcess.StartAsync(flaws, database, otlp, StartTimeout, ct);
        cli.Out.WriteLine($"Demo API (ASP.NET Core + SQLite, 400 chefs, 40,000 reviews, 60,000 bookings) pid {api.ProcessId} on {api.BaseAddress}; flaws: {DemoFlawNames.Format(flaws)}");
        return api;
    }

    private RunOptions RunOptions(ScenarioDefinition scenario, string folder, int otlpPort, DemoApiProcess api, string build) => new()
    {
        Scenario = ScenarioRequest.For(scenario),
        Runner = Runner(),
        OutputDirectory = Path.Combine(settings.Root, folder),
        Hooks = [Evidence(otlpPort, api), .. Monitors(api), new ConsoleRunHook(cli)],
        Save = settings.History with { Tags = new Dictionary<string, string> { ["demo"] = build, ["flaws"] = DemoFlawNames.Format(build == "fixed" ? DemoFlaws.None : settings.Flaws) } },
    };

    private Engine.LoadRunnerOptions Runner() => new() { Seed = 42, TimeProvider = cli.TimeProvider };

    private static ServerEvidenceHook Evidence(int otlpPort, DemoApiProcess api) =>
        new(new IPEndPoint(IPAddress.Loopback, otlpPort)) { Database = api.DatabasePath, LateSpanWait = TimeSpan.FromSeconds(3) };

    /// <summary>
    /// The monitors of the API's own process: <c>/proc</c> (CPU, memory, threads per interval; CPU and memory per request) and,
    /// since it is a .NET process, its runtime counters over EventPipe (GC, heap, thread pool: what names sync-over-async).
    /// </summary>
    private static IRunHook[] Monitors(DemoApiProcess api)
    {
        var targets = new ProcessTargets([api.ProcessId], Dotnet: true);
        return [new ProcessWatchHook(targets), .. DotnetCountersHook.For(targets)];
    }

    /// <summary>Interrupted or not carried out: stop the journey with that exit code.</summary>
    private int? Stopped(PipelineResult result, CancellationToken ct)
    {
        if (ct.IsCancellationRequested)
        {
            cli.Error.WriteLine("The demo was interrupted.");
            return ExitCodes.RunFailed;
        }

        return result.Verdict is Verdict.UsageError or Verdict.RunFailed ? result.ExitCode : null;
    }

    private void Step(int total, string text)
    {
        cli.Out.WriteLine();
        cli.Out.WriteLine($"── {++_step}/{total} {text} ──");
    }

    private List<(DemoDiagnosis.Expectation Flaw, Core.Findings.Finding? Finding)> Diagnose(IReadOnlyList<Core.Findings.Finding> findings)
    {
        var rows = DemoDiagnosis.All.Where(e => settings.Flaws.HasFlag(e.Flaw)).Select(e => (e, DemoDiagnosis.Match(e, findings))).ToList();
        foreach (var (e, f) in rows)
        {
            var mark = f is not null ? "✓" : "✗";
            var what = f is not null
                ? $"{f.RuleId}{(f.Endpoint is null ? string.Empty : " on " + f.Endpoint)}: {f.Title}"
                : $"not named by {e.RuleId}";
            cli.Out.WriteLine($"  {mark} {DemoFlawNames.NameOf(e.Flaw),-19} {e.Description}");
            cli.Out.WriteLine($"      → {what}");
        }

        return rows;
    }

    private string Story(
        List<(DemoDiagnosis.Expectation Flaw, Core.Findings.Finding? Finding)> diagnosis,
        IReadOnlyList<Core.Findings.Finding> remaining,
        ComparisonReport? comparison,
        PipelineResult baseline,
        PipelineResult optimized,
        PipelineResult? sweep)
    {
        var md = new StringBuilder();
        md.AppendLine("# Loadlens demo: diagnose, fix, measure").AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"The demo booking API (ASP.NET Core + SQLite) ran as its own process with the flaws `{DemoFlawNames.Format(settings.Flaws)}`, then with every fix on; {settings.Users} users for {settings.Duration.TotalSeconds:0} s each, the same mix.").AppendLine();
        md.AppendLine("## What was wrong, and the finding that named it").AppendLine();
        md.AppendLine("| flaw | named by | evidence | the fix |").AppendLine("|---|---|---|---|");
        foreach (var (e, f) in diagnosis)
        {
            var named = f is not null ? $"`{f.RuleId}`{(f.Endpoint is null ? string.Empty : " on " + f.Endpoint)}" : "**not detected**";
            var evidence = f is null ? string.Empty : string.Join(", ", f.Evidence.Take(4).Select(v => string.Create(CultureInfo.InvariantCulture, $"{v.Name} {v.Value:0.##} {v.Unit}")));
            md.AppendLine(CultureInfo.InvariantCulture, $"| {e.Description} | {named} | {Cell(evidence)} | {Cell(e.Fix)} |");
        }

        if (sweep?.Capacity?.Sizing is { } sizing)
        {
            md.AppendLine().AppendLine(CultureInfo.InvariantCulture, $"## What to deploy: {Reporting.Sweep.SizingText.Heading(sizing)} (from the sweep of the fixed build)").AppendLine();
            foreach (var item in sizing.Items)
            {
                md.AppendLine(CultureInfo.InvariantCulture, $"- **{item.Topic}:** {Reporting.Sweep.SizingText.Advice(item)}");
            }
        }

        md.AppendLine().AppendLine(remaining.Count == 0
            ? "With the fixes on, none of these findings is reported."
            : $"With the fixes on, still reported: {string.Join("; ", remaining.Select(f => $"`{f.RuleId}` ({f.Endpoint ?? "run"})"))}.");
        if (comparison is not null)
        {
            md.AppendLine().AppendLine("## How much it helped (baseline → optimized)").AppendLine();
            md.AppendLine("| endpoint | mean | p95 | throughput |").AppendLine("|---|---|---|---|");
            foreach (var ep in comparison.Endpoints.Append(comparison.Overall))
            {
                var x = ep.Metric("throughput");
                md.AppendLine(CultureInfo.InvariantCulture,
                    $"| {ep.Name} | {Change(ep.Metric("mean"))} | {Change(ep.Metric("p95"))} | {x?.Baseline:0.#} → {x?.Candidate:0.#} req/s |");
            }

            if (baseline.Run is { } flawedRun && optimized.Run is { } fixedRun && flawedRun.Total.Requests > 0)
            {
                md.AppendLine().AppendLine(CultureInfo.InvariantCulture,
                    $"Each run kept {settings.Users} users busy (closed model), so the fixed API's latencies were measured while it served {fixedRun.Total.Requests / (double)flawedRun.Total.Requests:0.#}× as many requests. Where a slow endpoint served fewer than 20 requests beyond the percentile (400 for p95), its tail verdict comes from exact order-statistic bounds instead of the bootstrap, and stays *inconclusive* when those overlap (docs/compare.md).");
            }

            md.AppendLine().AppendLine(Resources(baseline.Run, optimized.Run));
            md.AppendLine().AppendLine("The full comparison (every metric, confidence intervals, comparability): [comparison.md](comparison.md).");
        }

        md.AppendLine().AppendLine("## Files").AppendLine();
        if (sweep?.OutputDirectory is { } s)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- sweep of the fixed API: [{Path.GetFileName(s)}/]({Path.GetFileName(s)}/sweep.md)");
        }

        md.AppendLine(CultureInfo.InvariantCulture, $"- baseline (flawed): [{Path.GetFileName(baseline.OutputDirectory)}/analysis.md]({Path.GetFileName(baseline.OutputDirectory)}/analysis.md), report.html");
        md.AppendLine(CultureInfo.InvariantCulture, $"- optimized (fixed): [{Path.GetFileName(optimized.OutputDirectory)}/analysis.md]({Path.GetFileName(optimized.OutputDirectory)}/analysis.md), report.html");
        if (baseline.SavedId is { } b && optimized.SavedId is { } o)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- history: runs {b} and {o} in {optimized.SavedTo} (`loadlens compare {b} {o}`)");
        }

        return md.ToString();
    }

    /// <summary>The API process's CPU per request and peak memory, before → after (the process monitor's summary).</summary>
    internal static string Resources(RunResult? before, RunResult? after)
    {
        ProcessWatchSummary? Summary(RunResult? run) =>
            run is not null && run.TryGetSection<ProcessWatch>(ProcessWatch.SectionName, out var watch) ? watch.Summary : null;
        var (b, a) = (Summary(before), Summary(after));
        if (b is null || a is null)
        {
            return "The API process was not monitored (no process figures).";
        }

        static string Mb(long bytes) => (bytes / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture) + " MB";
        static string Cpu(double? ms) => ms is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) + " ms" : "-";
        return string.Create(CultureInfo.InvariantCulture,
            $"The API process: CPU per request {Cpu(b.CpuMsPerRequest)} → {Cpu(a.CpuMsPerRequest)}, peak memory (RSS) {Mb(b.PeakRssBytes)} → {Mb(a.PeakRssBytes)}, mean CPU {b.MeanCpuPercent:0} % → {a.MeanCpuPercent:0} % of one core, {b.CompletedRequests} → {a.CompletedRequests} requests served.");
    }

    /// <summary>"818.2 → 40.1 ms, −95 % (faster)"; an inconclusive verdict with its reason.</summary>
    private static string Change(MetricComparison? metric) => metric is null
        ? "-"
        : string.Create(CultureInfo.InvariantCulture, $"{metric.Baseline:0.#} → {metric.Candidate:0.#} {metric.Unit}, {metric.RelativeChange:+0%;-0%} ({metric.Verdict.ToString().ToLowerInvariant()}{(metric.Verdict == ComparisonVerdict.Inconclusive ? ": " + Cell(metric.Reason) : string.Empty)})");

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
