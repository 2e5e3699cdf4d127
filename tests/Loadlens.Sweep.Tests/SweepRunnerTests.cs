using Loadlens.Analysis.Capacity;
using Loadlens.Core;
using Loadlens.Core.Scenarios;
using Loadlens.Core.Serialization;
using Loadlens.Engine.Sweeps;
using Loadlens.Reporting.Charts;
using Loadlens.TestUtils;
using SkiaSharp;

namespace Loadlens.Sweep.Tests;

[Collection("loopback sweeps")]
public sealed class SweepRunnerTests(Xunit.Abstractions.ITestOutputHelper output) : IAsyncLifetime
{
    private CapacityTarget _target = null!;

    public async Task InitializeAsync() => _target = await CapacityTarget.StartAsync();

    public async Task DisposeAsync() => await _target.DisposeAsync();

    private SweepPlan Plan(string path, LoadModel model, double[] levels, double stepSeconds = 1, double warmupSeconds = 0.2) => new()
    {
        Scenario = new ScenarioDefinition
        {
            Name = path.Trim('/'),
            BaseUrl = _target.BaseAddress,
            Endpoints = [new EndpointDefinition { Name = "GET " + path, Path = path }],
            Load = new LoadProfile(),
        },
        Model = model,
        Levels = levels,
        StepDuration = TimeSpan.FromSeconds(stepSeconds),
        StepWarmup = TimeSpan.FromSeconds(warmupSeconds),
    };

    [Fact]
    public async Task Each_step_is_a_full_run_at_its_level_with_its_own_warmup()
    {
        var sweep = await SweepRunner.RunAsync(Plan("/parallel", LoadModel.Closed, [1, 3]));

        sweep.Steps.Count.ShouldBe(2);
        sweep.Outcome.Completed.ShouldBeTrue();
        for (var i = 0; i < 2; i++)
        {
            var r = sweep.Steps[i].Result;
            r.Settings.Model.ShouldBe("closed");
            r.Settings.Users.ShouldBe(i == 0 ? 1 : 3);
            r.WarmupSeconds.ShouldBe(0.2, 0.01);
            r.MeasuredSeconds.ShouldBe(1, 0.2);
            r.Total.Requests.ShouldBeGreaterThan(10);
            r.Intervals.ShouldContain(iv => iv.Warmup);
        }
    }

    [Fact]
    public async Task Cancelling_keeps_the_completed_steps_and_marks_the_sweep_incomplete()
    {
        using var cts = new CancellationTokenSource();
        var sweep = await SweepRunner.RunAsync(
            Plan("/parallel", LoadModel.Closed, [1, 2, 4, 8]),
            onStepStarting: (i, _) =>
            {
                if (i == 2)
                {
                    cts.CancelAfter(300); // in the middle of the third step
                }
            },
            cancellationToken: cts.Token);

        sweep.Steps.Count.ShouldBe(2);
        sweep.Steps.Select(s => s.Level).ShouldBe([1, 2]);
        sweep.Outcome.Completed.ShouldBeFalse();
        sweep.Outcome.StopReason.ShouldBe("cancelled");
    }

    [Fact]
    public async Task Stop_after_ends_the_sweep_at_the_first_failing_step()
    {
        var plan = Plan("/serialized", LoadModel.Closed, [1, 4, 8]) with { StopAfter = r => r.Total.Latency.P99 > 30, UntilSla = true };
        var sweep = await SweepRunner.RunAsync(plan);
        sweep.Steps.Count.ShouldBeLessThanOrEqualTo(2);
        sweep.Steps[^1].Result.Total.Latency.P99.ShouldBeGreaterThan(30);
        sweep.Outcome.StopReason.ShouldBe("stopped-at-sla");
    }

    [Fact]
    public async Task Open_model_sweep_against_the_serialized_endpoint_finds_its_100_rps_ceiling()
    {
        var sweep = await SweepRunner.RunAsync(Plan("/serialized", LoadModel.Open, [40, 130, 180, 240], stepSeconds: 1.5, warmupSeconds: 0.3));
        var report = CapacityAnalyzer.Analyze(sweep);

        foreach (var s in report.Steps)
        {
            output.WriteLine($"rate={s.Level} X={s.Goodput:0.0} mean={s.MeanMs:0.0} err={s.ErrorRate:P2} L={s.LittleConcurrency:0.0} gen={s.GeneratorReason}");
        }

        sweep.Model.ShouldBe("open");
        sweep.Steps.Count.ShouldBe(4);
        sweep.Steps[0].Result.Settings.Rate.ShouldBe(40);
        report.Steps[0].Goodput.ShouldBe(40, 6);
        report.Plateau.ShouldNotBeNull();
        report.Plateau.Ceiling.ShouldBeInRange(85, 110);
        report.Findings.ShouldContain(f => f.RuleId == "throughput-plateau");
    }

    [Fact]
    public async Task Sweep_json_round_trips_and_bad_documents_are_input_errors()
    {
        var sweep = await SweepRunner.RunAsync(Plan("/parallel", LoadModel.Closed, [1, 2], stepSeconds: 0.5, warmupSeconds: 0));
        var json = SweepResultJson.Serialize(sweep);
        var back = SweepResultJson.Deserialize(json, "sweep.json");

        back.Steps.Count.ShouldBe(2);
        back.Steps[1].Level.ShouldBe(2);
        back.Steps[1].Result.Total.Requests.ShouldBe(sweep.Steps[1].Result.Total.Requests);
        back.Steps[1].Result.Total.Histogram.ShouldBe(sweep.Steps[1].Result.Total.Histogram);
        SweepResultJson.Serialize(back).ShouldBe(json);
        json.ShouldContain("\"schemaVersion\": 1");

        var broken = Should.Throw<InputFormatException>(() => SweepResultJson.Deserialize("{\n  \"name\": \"x\",\n  \"steps\": [1,\n", "sweep.json"));
        broken.Message.ShouldStartWith("sweep.json:");
        var future = Should.Throw<InputFormatException>(() => SweepResultJson.Deserialize(json.Replace("\"schemaVersion\": 1,", "\"schemaVersion\": 99,", StringComparison.Ordinal), "sweep.json"));
        future.Message.ShouldContain("newer");
    }

    [Fact]
    public async Task Charts_have_visible_text_and_curves()
    {
        var sweep = await SweepRunner.RunAsync(Plan("/serialized", LoadModel.Closed, [1, 2, 4, 8], stepSeconds: 0.8, warmupSeconds: 0.2));
        var report = CapacityAnalyzer.Analyze(sweep);
        var dir = Path.Combine(Path.GetTempPath(), "loadlens-charts-" + Guid.NewGuid().ToString("N"));
        try
        {
            var files = SweepCharts.Write(sweep, report, dir);
            files.Select(Path.GetFileName).ShouldBe(["throughput.png", "throughput.svg", "latency.png", "latency.svg"]);
            foreach (var png in files.Where(f => f.EndsWith(".png", StringComparison.Ordinal)))
            {
                using var bitmap = SKBitmap.Decode(png);
                bitmap.Width.ShouldBe(960);

                // The title band (top 40 px) holds only text: with no usable font it would be blank.
                DarkPixels(bitmap, 0, 40).ShouldBeGreaterThan(300, $"{png}: title text is missing");

                // The plot area holds the curves.
                DarkPixels(bitmap, 60, bitmap.Height - 60).ShouldBeGreaterThan(2000);
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }

        static int DarkPixels(SKBitmap bitmap, int fromY, int toY)
        {
            var count = 0;
            for (var y = fromY; y < toY; y++)
            {
                for (var x = 0; x < bitmap.Width; x++)
                {
                    var c = bitmap.GetPixel(x, y);
                    if (c.Red + c.Green + c.Blue < 3 * 160)
                    {
                        count++;
                    }
                }
            }

            return count;
        }
    }

    [Fact]
    public void Charts_use_the_embedded_font_so_text_renders_without_system_fonts()
    {
        EmbeddedFont.EnsureRegistered();
        var ours = new EmbeddedFont().CreateTypeface(EmbeddedFont.Name, bold: false, italic: false);
        ours.ShouldNotBeNull();
        ours.FamilyName.ShouldBe("DejaVu Sans");
        ours.GlyphCount.ShouldBeGreaterThan(1000);

        // ScottPlot resolves the chart font through our resolver (same typeface), not the system.
        ReferenceEquals(ScottPlot.Fonts.GetTypeface(EmbeddedFont.Name, false, false), ours).ShouldBeTrue();
        ScottPlot.Fonts.Default.ShouldBe(EmbeddedFont.Name);
        new EmbeddedFont().CreateTypeface("Some Other Font", false, false).ShouldBeNull();
    }
}
