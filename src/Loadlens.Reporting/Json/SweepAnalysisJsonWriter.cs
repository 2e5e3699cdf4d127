using System.Text.Json;
using Loadlens.Analysis.Capacity;
using Loadlens.Core.Results;
using Loadlens.Reporting.Sweep;

namespace Loadlens.Reporting.Json;

/// <summary>
/// Writes the capacity analysis of a sweep (<c>loadlens analyze sweep.json --format json</c>) as the
/// versioned JSON documented in docs/sweep.md (<c>kind</c> "sweep-analysis", <c>schemaVersion</c> 1):
/// the sweep's settings, capacity at SLA, per-step figures, plateau, USL fit, knees, findings (the same
/// shape as in the analysis JSON) and notes. camelCase names, nulls written explicitly, numbers rounded to
/// 3 decimals (4 significant digits below 1, <see cref="Core.Statistics.Numbers.Round"/>), non-finite numbers as null —
/// the same rules as the analysis JSON; the output depends only on its inputs, so it can be compared byte for byte.
/// </summary>
internal static class SweepAnalysisJsonWriter
{
    /// <summary>Version of this document's schema.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The <c>kind</c> field that tells this document from the single-run analysis JSON.</summary>
    public const string Kind = "sweep-analysis";

    /// <summary>Render the sweep analysis as indented JSON text with <c>\n</c> line ends.</summary>
    public static string Render(SweepResult sweep, CapacityReport report)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(report);
        return ReportJson.Render(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("schemaVersion", SchemaVersion);
            w.WriteString("kind", Kind);
            WriteSweep(w, sweep);

            w.WriteStartArray("summary");
            w.WriteStringValue("Capacity at SLA: " + SweepText.Capacity(report));
            if (SweepText.Plateau(report) is { } plateau)
            {
                w.WriteStringValue("Plateau: " + plateau);
            }

            w.WriteStringValue("Knees: " + SweepText.Knees(report));
            w.WriteEndArray();

            w.WriteBoolean("slaPassed", report.SlaPassed);
            WriteCapacity(w, report);
            WriteSteps(w, report);
            WritePlateau(w, report);
            WriteUsl(w, report);

            w.WriteStartObject("knees");
            ReportJson.Numbers(
                w,
                ("throughputLevel", Level(report, report.ThroughputKnee)),
                ("latencyLevel", Level(report, report.LatencyKnee)),
                ("latencyDoubledLevel", Level(report, report.LatencyDoubledAt)));
            w.WriteEndObject();

            ReportJson.Findings(w, report.Findings);
            if (report.Sizing is { } sizing)
            {
                WriteSizing(w, sizing);
            }

            ReportJson.Strings(w, "notes", report.Notes);
            w.WriteEndObject();
        });
    }

    /// <summary>Render and write to <paramref name="path"/> (UTF-8 without BOM; the folder is created).</summary>
    public static void Write(SweepResult sweep, CapacityReport report, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ReportFile.Write(path, Render(sweep, report));
    }


    /// <summary><c>sizing</c> (only with <c>--target-rate</c>): each piece with its figures, inputs, arithmetic and assumptions.</summary>
    private static void WriteSizing(Utf8JsonWriter w, Analysis.Sizing.SizingAdvice sizing)
    {
        w.WriteStartObject("sizing");
        ReportJson.Numbers(w, ("targetRate", sizing.TargetRate), ("headroom", sizing.Headroom));
        w.WriteString("criteria", sizing.Criteria);
        var k = sizing.Workers;
        Item(w, "workers", k, () =>
        {
            ReportJson.Numbers(w, ("serviceTimeMs", k.ServiceTimeMs), ("cpuMsPerRequest", k.CpuMsPerRequest));
            w.WriteString("kind", k.Kind switch { Analysis.Sizing.WorkKind.CpuBound => "cpu-bound", Analysis.Sizing.WorkKind.Waiting => "waiting", Analysis.Sizing.WorkKind.Mixed => "mixed", _ => "unknown" });
            ReportJson.Numbers(
                w,
                ("concurrency", k.Concurrency), ("utilisation", k.Utilisation), ("slots", k.Slots), ("processes", k.Processes),
                ("threadsPerProcess", k.ThreadsPerProcess), ("coresNeeded", k.CoresNeeded), ("measuredParallelism", k.MeasuredParallelism));
        });
        var p = sizing.Pool;
        Item(w, "pool", p, () => ReportJson.Numbers(
            w, ("dbTimeMs", p.DbTimeMs), ("busyConnections", p.BusyConnections), ("size", p.Size), ("perProcess", p.PerProcess), ("maxPoolWaitMs", p.MaxPoolWaitMs), ("poolWaitLevel", p.PoolWaitLevel)));
        var r = sizing.Replicas;
        Item(w, "replicas", r, () =>
        {
            ReportJson.Numbers(w, ("capacityPerInstance", r.CapacityPerInstance), ("count", r.Count));
            w.WriteBoolean("capacityIsLowerBound", r.CapacityIsLowerBound);
        });
        var a = sizing.Autoscale;
        Item(w, "autoscale", a, () =>
        {
            ReportJson.Numbers(
                w,
                ("cpuCoresAtKnee", a.CpuCoresAtKnee), ("cpuCoresAvailable", a.CpuCoresAvailable), ("utilisationAtKneePercent", a.UtilisationAtKneePercent),
                ("cpuTargetPercent", a.CpuTargetPercent), ("minReplicas", a.MinReplicas), ("maxReplicas", a.MaxReplicas));
            w.WriteString("deploymentName", a.DeploymentName);
        });
        w.WriteEndObject();

        static void Item(Utf8JsonWriter w, string name, Analysis.Sizing.SizingItem item, Action figures)
        {
            w.WriteStartObject(name);
            w.WriteString("advice", item.Advice);
            w.WriteString("thinData", item.ThinData);
            figures();
            w.WriteStartArray("inputs");
            foreach (var input in item.Inputs)
            {
                w.WriteStartObject();
                w.WriteString("name", input.Name);
                ReportJson.Number(w, "value", input.Value);
                w.WriteString("unit", input.Unit);
                w.WriteString("source", input.Source);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            ReportJson.Strings(w, "arithmetic", item.Arithmetic);
            ReportJson.Strings(w, "assumptions", item.Assumptions);
            w.WriteEndObject();
        }
    }

    private static void WriteSweep(Utf8JsonWriter w, SweepResult sweep)
    {
        w.WriteStartObject("sweep");
        w.WriteString("name", sweep.Name);
        w.WriteString("model", sweep.Model);
        w.WriteString("target", sweep.Target);
        w.WriteString("startedAt", ReportFormat.IsoUtc(sweep.StartedAt));
        ReportJson.NumberArray(w, "plannedLevels", sweep.PlannedLevels);
        ReportJson.Numbers(w, ("stepSeconds", sweep.StepSeconds), ("stepWarmupSeconds", sweep.StepWarmupSeconds));
        w.WriteBoolean("untilSla", sweep.UntilSla);
        ReportJson.Number(w, "maxErrorRate", sweep.MaxErrorRate);
        w.WriteNumber("stepsCompleted", sweep.Steps.Count);
        w.WriteBoolean("completed", sweep.Outcome.Completed);
        w.WriteString("stopReason", sweep.Outcome.StopReason);
        w.WriteString("tool", $"{sweep.Environment.ToolName} {sweep.Environment.ToolVersion}".Trim());
        w.WriteNumber("processorCount", sweep.Environment.ProcessorCount);
        w.WriteEndObject();
    }

    private static void WriteCapacity(Utf8JsonWriter w, CapacityReport report)
    {
        var c = report.Capacity;
        w.WriteStartObject("capacity");
        w.WriteString("criteria", c.Criteria);
        ReportJson.Numbers(w, ("level", c.Level), ("throughput", c.Throughput), ("p99Ms", c.P99Ms), ("firstFailingLevel", c.FirstFailingLevel));
        w.WriteString("firstFailure", c.FirstFailure);
        w.WriteEndObject();
    }

    private static void WriteSteps(Utf8JsonWriter w, CapacityReport report)
    {
        w.WriteStartArray("steps");
        foreach (var s in report.Steps)
        {
            w.WriteStartObject();
            w.WriteNumber("index", s.Index);
            ReportJson.Numbers(w, ("level", s.Level), ("throughput", s.Throughput), ("goodput", s.Goodput));
            w.WriteNumber("requests", s.Requests);
            ReportJson.Numbers(
                w,
                ("meanMs", s.MeanMs), ("p50Ms", s.P50Ms), ("p95Ms", s.P95Ms), ("p99Ms", s.P99Ms),
                ("errorRate", s.ErrorRate), ("timeoutShare", s.TimeoutShare),
                ("littleConcurrency", s.LittleConcurrency), ("littleRatio", s.LittleRatio));
            w.WriteBoolean("generatorLimited", s.GeneratorLimited);
            w.WriteString("generatorReason", s.GeneratorReason);
            w.WriteBoolean("meetsSla", s.MeetsSla);
            ReportJson.Strings(w, "violations", s.Violations);
            w.WriteEndObject();
        }

        w.WriteEndArray();
    }

    private static void WritePlateau(Utf8JsonWriter w, CapacityReport report)
    {
        if (report.Plateau is not { } p)
        {
            w.WriteNull("plateau");
            return;
        }

        w.WriteStartObject("plateau");
        ReportJson.Numbers(
            w,
            ("firstLevel", Level(report, p.FirstStep)), ("ceiling", p.Ceiling),
            ("latencySlopeMsPerUser", p.LatencySlopeMsPerUser), ("expectedSlopeMsPerUser", p.ExpectedSlopeMsPerUser));
        w.WriteBoolean("linearLatency", p.LinearLatency);
        ReportJson.Numbers(w, ("estimatedParallelism", p.EstimatedParallelism), ("serviceTimeMs", p.ServiceTimeMs));
        w.WriteEndObject();
    }

    private static void WriteUsl(Utf8JsonWriter w, CapacityReport report)
    {
        if (report.Usl is not { } u)
        {
            w.WriteNull("usl");
            return;
        }

        w.WriteStartObject("usl");
        w.WriteString("concurrency", report.ConcurrencyMeaning);
        ReportJson.Numbers(
            w,
            ("sigma", u.Sigma), ("kappa", u.Kappa), ("lambda", u.Lambda),
            ("sigmaStdError", u.SigmaStdError), ("kappaStdError", u.KappaStdError), ("lambdaStdError", u.LambdaStdError),
            ("peakConcurrency", u.PeakConcurrency), ("peakThroughput", u.PeakThroughput), ("ceiling", u.Ceiling));
        w.WriteBoolean("reachesPastPeak", u.ReachesPastPeak);
        w.WriteBoolean("coherencySignificant", u.CoherencySignificant);
        w.WriteNumber("points", u.Points);
        ReportJson.Numbers(w, ("maxConcurrency", u.MaxConcurrency), ("rSquared", u.RSquared), ("rmse", u.Rmse), ("mape", u.Mape));
        w.WriteStartObject("kappaZero");
        ReportJson.Numbers(w, ("sigma", u.Amdahl.Sigma), ("lambda", u.Amdahl.Lambda), ("fStatistic", u.Amdahl.FStatistic), ("pValue", u.Amdahl.PValue));
        w.WriteEndObject();
        ReportJson.Strings(w, "caveats", u.Caveats);
        w.WriteEndObject();
    }

    /// <summary>The load level of a step index into <see cref="CapacityReport.Steps"/>; null when there is none.</summary>
    private static double? Level(CapacityReport report, int? stepIndex)
        => stepIndex is { } i && i >= 0 && i < report.Steps.Count ? report.Steps[i].Level : null;
}
