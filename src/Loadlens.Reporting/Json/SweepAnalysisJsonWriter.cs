using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Loadlens.Analysis.Capacity;
using Loadlens.Core.Results;
using Loadlens.Reporting.Sweep;

namespace Loadlens.Reporting.Json;

/// <summary>
/// Writes the capacity analysis of a sweep (<c>loadlens analyze sweep.json --format json</c>) as the
/// versioned JSON documented in docs/sweep.md (<c>kind</c> "sweep-analysis", <c>schemaVersion</c> 1):
/// the sweep's settings, capacity at SLA, per-step figures, plateau, USL fit, knees, findings (the same
/// shape as in the analysis JSON) and notes. camelCase names, nulls written explicitly, non-finite
/// numbers as null; the output depends only on its inputs, so it can be compared byte for byte.
/// </summary>
public static class SweepAnalysisJsonWriter
{
    /// <summary>Version of this document's schema.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The <c>kind</c> field that tells this document from the single-run analysis JSON.</summary>
    public const string Kind = "sweep-analysis";

    private static readonly UTF8Encoding Utf8NoBom = new(encoderShouldEmitUTF8Identifier: false);

    /// <summary>Render the sweep analysis as indented JSON text with <c>\n</c> line ends.</summary>
    public static string Render(SweepResult sweep, CapacityReport report)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(report);
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
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

            w.WriteBoolean("slaPassed", SlaPassed(report));
            WriteCapacity(w, report);
            WriteSteps(w, report);
            WritePlateau(w, report);
            WriteUsl(w, report);

            w.WriteStartObject("knees");
            Level(w, "throughputLevel", report, report.ThroughputKnee);
            Level(w, "latencyLevel", report, report.LatencyKnee);
            Level(w, "latencyDoubledLevel", report, report.LatencyDoubledAt);
            w.WriteEndObject();

            AnalysisJsonWriter.WriteFindings(w, report.Findings);
            Strings(w, "notes", report.Notes);
            w.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray()) + "\n";
    }

    /// <summary>Render and write to <paramref name="path"/> (UTF-8 without BOM; the folder is created).</summary>
    public static void Write(SweepResult sweep, CapacityReport report, string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var text = Render(sweep, report);
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }

        File.WriteAllText(path, text, Utf8NoBom);
    }

    /// <summary>
    /// The sweep's pass/fail, as <c>loadlens sweep</c> decides it: false when there are steps and none of
    /// them met the SLA and the error limit; true otherwise (including a sweep without any step).
    /// </summary>
    public static bool SlaPassed(CapacityReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return report.Steps.Count == 0 || report.Capacity.StepIndex is not null;
    }

    private static void WriteSweep(Utf8JsonWriter w, SweepResult sweep)
    {
        w.WriteStartObject("sweep");
        w.WriteString("name", sweep.Name);
        w.WriteString("model", sweep.Model);
        w.WriteString("target", sweep.Target);
        w.WriteString("startedAt", ReportFormat.IsoUtc(sweep.StartedAt));
        w.WriteStartArray("plannedLevels");
        foreach (var level in sweep.PlannedLevels)
        {
            w.WriteNumberValue(level);
        }

        w.WriteEndArray();
        AnalysisJsonWriter.WriteNumberOrNull(w, "stepSeconds", sweep.StepSeconds);
        AnalysisJsonWriter.WriteNumberOrNull(w, "stepWarmupSeconds", sweep.StepWarmupSeconds);
        w.WriteBoolean("untilSla", sweep.UntilSla);
        AnalysisJsonWriter.WriteNumberOrNull(w, "maxErrorRate", sweep.MaxErrorRate);
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
        AnalysisJsonWriter.WriteNumberOrNull(w, "level", c.Level);
        AnalysisJsonWriter.WriteNumberOrNull(w, "throughput", c.Throughput);
        AnalysisJsonWriter.WriteNumberOrNull(w, "p99Ms", c.P99Ms);
        AnalysisJsonWriter.WriteNumberOrNull(w, "firstFailingLevel", c.FirstFailingLevel);
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
            AnalysisJsonWriter.WriteNumberOrNull(w, "level", s.Level);
            AnalysisJsonWriter.WriteNumberOrNull(w, "throughput", s.Throughput);
            AnalysisJsonWriter.WriteNumberOrNull(w, "goodput", s.Goodput);
            w.WriteNumber("requests", s.Requests);
            AnalysisJsonWriter.WriteNumberOrNull(w, "meanMs", s.MeanMs);
            AnalysisJsonWriter.WriteNumberOrNull(w, "p50Ms", s.P50Ms);
            AnalysisJsonWriter.WriteNumberOrNull(w, "p95Ms", s.P95Ms);
            AnalysisJsonWriter.WriteNumberOrNull(w, "p99Ms", s.P99Ms);
            AnalysisJsonWriter.WriteNumberOrNull(w, "errorRate", s.ErrorRate);
            AnalysisJsonWriter.WriteNumberOrNull(w, "timeoutShare", s.TimeoutShare);
            AnalysisJsonWriter.WriteNumberOrNull(w, "littleConcurrency", s.LittleConcurrency);
            AnalysisJsonWriter.WriteNumberOrNull(w, "littleRatio", s.LittleRatio);
            w.WriteBoolean("generatorLimited", s.GeneratorLimited);
            w.WriteString("generatorReason", s.GeneratorReason);
            w.WriteBoolean("meetsSla", s.MeetsSla);
            Strings(w, "violations", s.Violations);
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
        Level(w, "firstLevel", report, p.FirstStep);
        AnalysisJsonWriter.WriteNumberOrNull(w, "ceiling", p.Ceiling);
        AnalysisJsonWriter.WriteNumberOrNull(w, "latencySlopeMsPerUser", p.LatencySlopeMsPerUser);
        AnalysisJsonWriter.WriteNumberOrNull(w, "expectedSlopeMsPerUser", p.ExpectedSlopeMsPerUser);
        w.WriteBoolean("linearLatency", p.LinearLatency);
        AnalysisJsonWriter.WriteNumberOrNull(w, "estimatedParallelism", p.EstimatedParallelism);
        AnalysisJsonWriter.WriteNumberOrNull(w, "serviceTimeMs", p.ServiceTimeMs);
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
        AnalysisJsonWriter.WriteNumberOrNull(w, "sigma", u.Sigma);
        AnalysisJsonWriter.WriteNumberOrNull(w, "kappa", u.Kappa);
        AnalysisJsonWriter.WriteNumberOrNull(w, "lambda", u.Lambda);
        AnalysisJsonWriter.WriteNumberOrNull(w, "sigmaStdError", u.SigmaStdError);
        AnalysisJsonWriter.WriteNumberOrNull(w, "kappaStdError", u.KappaStdError);
        AnalysisJsonWriter.WriteNumberOrNull(w, "lambdaStdError", u.LambdaStdError);
        AnalysisJsonWriter.WriteNumberOrNull(w, "peakConcurrency", u.PeakConcurrency);
        AnalysisJsonWriter.WriteNumberOrNull(w, "peakThroughput", u.PeakThroughput);
        AnalysisJsonWriter.WriteNumberOrNull(w, "ceiling", u.Ceiling);
        w.WriteBoolean("reachesPastPeak", u.ReachesPastPeak);
        w.WriteBoolean("coherencySignificant", u.CoherencySignificant);
        w.WriteNumber("points", u.Points);
        AnalysisJsonWriter.WriteNumberOrNull(w, "maxConcurrency", u.MaxConcurrency);
        AnalysisJsonWriter.WriteNumberOrNull(w, "rSquared", u.RSquared);
        AnalysisJsonWriter.WriteNumberOrNull(w, "rmse", u.Rmse);
        AnalysisJsonWriter.WriteNumberOrNull(w, "mape", u.Mape);
        w.WriteStartObject("kappaZero");
        AnalysisJsonWriter.WriteNumberOrNull(w, "sigma", u.Amdahl.Sigma);
        AnalysisJsonWriter.WriteNumberOrNull(w, "lambda", u.Amdahl.Lambda);
        AnalysisJsonWriter.WriteNumberOrNull(w, "fStatistic", u.Amdahl.FStatistic);
        AnalysisJsonWriter.WriteNumberOrNull(w, "pValue", u.Amdahl.PValue);
        w.WriteEndObject();
        Strings(w, "caveats", u.Caveats);
        w.WriteEndObject();
    }

    private static void Level(Utf8JsonWriter w, string name, CapacityReport report, int? stepIndex)
        => AnalysisJsonWriter.WriteNumberOrNull(w, name, stepIndex is { } i && i >= 0 && i < report.Steps.Count ? report.Steps[i].Level : null);

    private static void Strings(Utf8JsonWriter w, string name, IEnumerable<string> values)
    {
        w.WriteStartArray(name);
        foreach (var v in values)
        {
            w.WriteStringValue(v);
        }

        w.WriteEndArray();
    }
}
