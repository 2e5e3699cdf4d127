using Loadlens.Analysis.Capacity;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Pipeline;
using Loadlens.TestUtils;

namespace Loadlens.Html.Tests;

/// <summary>
/// The reports the browser tests open, made once from real work: a run of a real Kestrel server through
/// <see cref="LoadlensPipeline.RunAsync"/> (endpoints with hostile names among them), a small real sweep through
/// <see cref="LoadlensPipeline.SweepAsync"/>, and <c>analyze -f html</c> of the real Locust 2.12.1 shop run.
/// </summary>
public sealed class Reports : IAsyncLifetime
{
    /// <summary>An endpoint name that would load an image and run a handler if it were parsed as HTML.</summary>
    public const string ImgName = "<img src=x onerror=alert(1)>";

    /// <summary>An endpoint name that would end the script element and run a script if it were pasted into one.</summary>
    public const string ScriptName = "</script><script>window.pwned=1;alert(2)</script>";

    /// <summary>A plain endpoint.</summary>
    public const string CountName = "GET /count & more";

    public string Directory { get; } = Path.Combine(Path.GetTempPath(), "loadlens-html-" + Guid.NewGuid().ToString("N"));

    public string RunFolder => Path.Combine(Directory, "run");

    public string RunReport => Path.Combine(RunFolder, "report.html");

    public RunResult Run { get; private set; } = null!;

    public Analysis.AnalysisReport RunAnalysis { get; private set; } = null!;

    public string SweepFolder => Path.Combine(Directory, "sweep");

    public string SweepReport => Path.Combine(SweepFolder, "report.html");

    public SweepResult Sweep { get; private set; } = null!;

    public CapacityReport Capacity { get; private set; } = null!;

    public string SweepAnalyzeReport => Path.Combine(Directory, "analyze", "sweep.html");

    public string ShopReport => Path.Combine(Directory, "analyze", "shop.html");

    public RunResult Shop { get; private set; } = null!;

    public string EvidenceFolder => Path.Combine(Directory, "evidence");

    public string EvidenceReport => Path.Combine(EvidenceFolder, "report.html");

    /// <summary>A run of the OpenTelemetry-instrumented app with its spans joined (--otlp) and its Server-Timing headers.</summary>
    public RunResult Evidence { get; private set; } = null!;

    public static string ShopPrefix => Path.Combine(AppContext.BaseDirectory, "Fixtures", "locust-shop", "shop");

    public async Task InitializeAsync()
    {
        // Server and load generator share the test process: enough threads up front for both.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), Math.Max(io, 64));

        await using (var target = await TestTarget.StartAsync())
        {
            var run = await LoadlensPipeline.RunAsync(new RunOptions
            {
                Scenario = ScenarioRequest.For(new ScenarioDefinition
                {
                    Name = "checkout <b>bold</b>",
                    BaseUrl = target.BaseAddress,
                    Endpoints =
                    [
                        new EndpointDefinition { Name = CountName, Path = "/count", Weight = 6 },
                        new EndpointDefinition { Name = ImgName, Path = "/delay/4", Weight = 3 },
                        new EndpointDefinition { Name = ScriptName, Path = "/status/503", Weight = 1, ExpectStatus = [200] },
                    ],
                    Load = new LoadProfile { Users = 4, Duration = TimeSpan.FromSeconds(5), WarmUp = TimeSpan.FromSeconds(1), ThinkTimeMin = TimeSpan.FromMilliseconds(2), ThinkTimeMax = TimeSpan.FromMilliseconds(4) },
                    Sla = [new SlaTarget { Endpoint = "*", P99Ms = 250, MaxErrorRate = 0.5 }],
                }),
                Runner = new() { Seed = 7 },
                OutputDirectory = RunFolder,
            });
            Run = run.Run ?? throw new InvalidOperationException("the run produced no result: " + string.Join("; ", run.Messages));
            RunAnalysis = run.Analysis!;
        }

        var otlpPort = Loadlens.Evidence.Tests.InstrumentedApp.FreePort();
        await using (var app = await Loadlens.Evidence.Tests.InstrumentedApp.StartAsync(otlpPort))
        {
            var evidence = await LoadlensPipeline.RunAsync(new RunOptions
            {
                Scenario = ScenarioRequest.ForUrl(new Uri(app.BaseAddress, "/api/chefs").ToString(), new ScenarioOverrides { Users = 4, Iterations = 200 }) with
                {
                    MoreUrls = [new Uri(app.BaseAddress, "/api/chefs/3").ToString()],
                },
                OutputDirectory = EvidenceFolder,
                Hooks = [new ServerEvidenceHook(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, otlpPort)) { Database = app.DatabasePath }],
            });
            Evidence = evidence.Run ?? throw new InvalidOperationException("the evidence run produced no result: " + string.Join("; ", evidence.Messages));
        }

        await using (var target = await CapacityTarget.StartAsync())
        {
            var sweep = await LoadlensPipeline.SweepAsync(new SweepOptions
            {
                Scenario = ScenarioRequest.ForUrl(new Uri(target.BaseAddress, "/serialized").ToString()),
                Levels = [1, 2, 4, 8],
                StepDuration = TimeSpan.FromSeconds(1),
                StepWarmup = TimeSpan.FromSeconds(0.25),
                ExtraSla = [new SlaTarget { Endpoint = "*", P99Ms = 200 }],
                OutputDirectory = SweepFolder,
            });
            Sweep = sweep.Sweep ?? throw new InvalidOperationException("the sweep produced no result: " + string.Join("; ", sweep.Messages));
            Capacity = sweep.Capacity!;
        }

        // analyze of the sweep's folder writes the same page through the same writer (-f html -o FILE).
        var again = await LoadlensPipeline.AnalyzeAsync(new AnalyzeOptions { Input = SweepFolder, Format = "html", OutputFile = SweepAnalyzeReport });
        if (again.Sweep is null || again.OutputFailures.Count > 0)
        {
            throw new InvalidOperationException("analyze -f html of the sweep failed: " + string.Join("; ", again.Messages));
        }

        var shop = await LoadlensPipeline.AnalyzeAsync(new AnalyzeOptions { Input = ShopPrefix, Format = "html", OutputFile = ShopReport });
        Shop = shop.Run ?? throw new InvalidOperationException("the shop fixture was not analysed: " + string.Join("; ", shop.Messages));
        if (shop.OutputFailures.Count > 0)
        {
            throw new InvalidOperationException("analyze -f html failed: " + shop.OutputFailures[0].Message);
        }
    }

    public Task DisposeAsync()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }

        return Task.CompletedTask;
    }
}
