using Loadlens.Analysis;
using Loadlens.Core.Results;
using Loadlens.Reporting.Console;
using Loadlens.Reporting.Html;
using Loadlens.Reporting.Markdown;
using Loadlens.Reporting.Outputs;
using Spectre.Console.Testing;

namespace Loadlens.Reporting.Tests;

/// <summary>The processWatch and dotnetCounters sections in the console, summary.md and report.html, from constructed data.</summary>
public sealed class ProcessRenderingTests
{
    private static RunResult WithSections(bool dotnet)
    {
        var run = TestResults.Create();
        var samples = run.Intervals.Select(i => new ProcessSample
        {
            IntervalIndex = i.Index,
            StartSeconds = i.StartSeconds,
            DurationSeconds = i.DurationSeconds,
            Warmup = i.Warmup,
            Processes = 2,
            CpuUserPercent = 80 + i.Index,
            CpuSystemPercent = 10,
            BusiestProcessCpuPercent = 88,
            CpuWaitPercent = 7,
            RssBytes = 45_200_000 + (i.Index * 1_000_000),
            Threads = 9,
            OpenFileDescriptors = 31,
            VoluntaryContextSwitches = 12,
            InvoluntaryContextSwitches = 340,
            CompletedRequests = i.Total.Requests,
        }).ToList();
        run = run.WithSection(ProcessWatch.SectionName, new ProcessWatch
        {
            MachineCores = 2,
            CpuLimitCores = 1.5,
            Processes =
            [
                new WatchedProcess { Pid = 4100, ParentPid = 1, Name = "gunicorn", Root = true, CpuSeconds = 0.01, PeakRssBytes = 20_000_000 },
                new WatchedProcess { Pid = 4101, ParentPid = 4100, Name = "gunicorn", CpuSeconds = 1.8, PeakRssBytes = 27_200_000, FirstSeenSeconds = 0, ExitedSeconds = 2.5 },
            ],
            Samples = samples,
            Summary = new ProcessWatchSummary
            {
                Seconds = 2,
                CpuUserSeconds = 1.63,
                CpuSystemSeconds = 0.2,
                MeanCpuPercent = 91.5,
                PeakCpuPercent = 92,
                PeakBusiestProcessCpuPercent = 88,
                CompletedRequests = 31,
                CpuMsPerRequest = 59.03,
                RssStartBytes = 46_200_000,
                RssEndBytes = 47_200_000,
                PeakRssBytes = 47_200_000,
                RssGrowthBytesPer1kRequests = 2_500_000,
                PeakThreads = 9,
                PeakOpenFileDescriptors = 31,
                VoluntaryContextSwitchesPerRequest = 0.77,
                InvoluntaryContextSwitchesPerRequest = 21.9,
            },
            Notes = ["process 4101 (gunicorn) exited 2.5 s after sampling started; its CPU after the last sample is not counted"],
        });
        if (!dotnet)
        {
            return run;
        }

        return run.WithSection(DotnetCounters.SectionName, new DotnetCounters
        {
            Processes =
            [
                new DotnetProcessCounters
                {
                    Pid = 4200,
                    Name = "Shop.Api",
                    RuntimeVersion = "10.0.1",
                    Samples = [.. run.Intervals.Select(i => new DotnetCounterSample
                    {
                        IntervalIndex = i.Index, StartSeconds = i.StartSeconds, DurationSeconds = i.DurationSeconds, Warmup = i.Warmup,
                        GcPauseMs = 3.5, Gen0Collections = 4, HeapBytes = 80_000_000, AllocatedBytesPerSecond = 12_000_000, ThreadPoolQueueLength = 17, ThreadPoolThreads = 12,
                    })],
                    Summary = new DotnetCounterSummary
                    {
                        GcPauseMs = 7.25, Gen0Collections = 8, Gen1Collections = 2, Gen2Collections = 1, PeakHeapBytes = 81_500_000, HeapGrowthBytesPer1kRequests = 640_000,
                        MeanAllocatedBytesPerSecond = 12_000_000, AllocatedBytesPerRequest = 774_000, PeakThreadPoolQueueLength = 17, ThreadPoolThreadsStart = 4, PeakThreadPoolThreads = 12,
                        LockContentions = 33, Exceptions = 5,
                    },
                },
            ],
            Notes = ["the diagnostics port of 4300 refused the session"],
        });
    }

    [Fact]
    public void Summary_md_has_the_figures_the_processes_the_series_next_to_latency_and_the_notes()
    {
        var run = WithSections(dotnet: false);

        var md = MarkdownSummaryWriter.Render(run);

        md.ShouldContain("## Server process");
        md.ShouldContain("gunicorn (pid 4100) and 1 child on 2 cores (the processes may use 1.5)");
        md.ShouldContain("| CPU per request | 59.0 ms |");
        md.ShouldContain("| RSS | 46.2 MB → 47.2 MB (peak 47.2 MB) |");
        md.ShouldContain("| RSS growth | +2.5 MB per 1,000 requests |");
        md.ShouldContain("| Context switches per request | 0.77 voluntary, 21.9 involuntary |");
        md.ShouldContain("| gunicorn (child) | 4101 | 4100 | 1.8 | 27.2 MB | 0 s–2.5 s (exited) |");
        // Interval 1: the client's mean latency next to the CPU of the same interval.
        var interval = run.Intervals[1];
        md.ShouldContain($"| 1 | 1 | {interval.Total.Requests} | {ReportFormat.Ms(interval.Total.Latency.Mean)} | {ReportFormat.Ms(interval.Total.Latency.P95)} | 91 | 88 | 7 | 46.2 | 9 | 31 | 12 | 340 |");
        md.ShouldContain("| 0 (warm-up) |");
        md.ShouldContain("- process 4101 (gunicorn) exited 2.5 s");
        md.ShouldNotContain("## .NET runtime");
        MarkdownSummaryWriter.Render(TestResults.Create()).ShouldNotContain("Server process");
    }

    [Fact]
    public void The_dotnet_block_renders_from_the_contract()
    {
        var run = WithSections(dotnet: true);

        var md = MarkdownSummaryWriter.Render(run);
        var console = new TestConsole().Width(240);
        ServerEvidenceRenderer.Write(console, run);

        md.ShouldContain("## .NET runtime");
        md.ShouldContain("| Shop.Api (pid 4200), .NET 10.0.1 | 7.25 ms | 8/2/1 | 81.5 MB | +640 kB | 12.0 MB | 774 kB | 17 | 4 → 12 | 33 | 5 |");
        md.ShouldContain("- the diagnostics port of 4300 refused the session");
        console.Output.ShouldContain(".NET runtime (EventPipe counters)");
        console.Output.ShouldContain("Shop.Api (pid 4200)");
        console.Output.ShouldContain("Server process (/proc)");
        console.Output.ShouldContain("Watched processes");
        console.Output.ShouldContain("note: process 4101 (gunicorn) exited");
    }

    [Fact]
    public void Report_html_has_cpu_and_rss_charts_over_time_next_to_latency_and_the_dotnet_charts()
    {
        var run = WithSections(dotnet: true);

        var html = HtmlReport.Render(OutputContext.ForRun(run, Analyzer.Analyze(run)));

        html.ShouldContain("id=\"process\"");
        html.ShouldContain("data-chart=\"process-cpu\"");
        html.ShouldContain("data-chart=\"process-rss\"");
        html.ShouldContain("data-chart=\"dotnet-gc-0\"");
        html.ShouldContain("client mean latency");
        html.ShouldContain("CPU per request");
        HtmlReport.Render(OutputContext.ForRun(TestResults.Create(), Analyzer.Analyze(TestResults.Create()))).ShouldNotContain("data-chart=\"process-cpu\"");
    }
}
