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
/// shape as in the analysis JSON) and notes. camelCase names, nulls written explicitly, numbers rounded to
/// 3 decimals (4 significant digits below 1), non-finite numbers as null; the output depends only on its inputs, so it can be compared byte for byte.
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

            AnalysisJsonWriter.WriteFindings(w, report.Findings, Round);
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
            w.WriteNumberValue(Round(level));
        }

        w.WriteEndArray();
        Number(w, "stepSeconds", sweep.StepSeconds);
        Number(w, "stepWarmupSeconds", sweep.StepWarmupSeconds);
        w.WriteBoolean("untilSla", sweep.UntilSla);
        Number(w, "maxErrorRate", sweep.MaxErrorRate);
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
        Number(w, "level", c.Level);
        Number(w, "throughput", c.Throughput);
        Number(w, "p99Ms", c.P99Ms);
        Number(w, "firstFailingLevel", c.FirstFailingLevel);
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
            Number(w, "level", s.Level);
            Number(w, "throughput", s.Throughput);
            Number(w, "goodput", s.Goodput);
            w.WriteNumber("requests", s.Requests);
            Number(w, "meanMs", s.MeanMs);
            Number(w, "p50Ms", s.P50Ms);
            Number(w, "p95Ms", s.P95Ms);
            Number(w, "p99Ms", s.P99Ms);
            Number(w, "errorRate", s.ErrorRate);
            Number(w, "timeoutShare", s.TimeoutShare);
            Number(w, "littleConcurrency", s.LittleConcurrency);
            Number(w, "littleRatio", s.LittleRatio);
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
        Number(w, "ceiling", p.Ceiling);
        Number(w, "latencySlopeMsPerUser", p.LatencySlopeMsPerUser);
        Number(w, "expectedSlopeMsPerUser", p.ExpectedSlopeMsPerUser);
        w.WriteBoolean("linearLatency", p.LinearLatency);
        Number(w, "estimatedParallelism", p.EstimatedParallelism);
        Number(w, "serviceTimeMs", p.ServiceTimeMs);
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
        Number(w, "sigma", u.Sigma);
        Number(w, "kappa", u.Kappa);
        Number(w, "lambda", u.Lambda);
        Number(w, "sigmaStdError", u.SigmaStdError);
        Number(w, "kappaStdError", u.KappaStdError);
        Number(w, "lambdaStdError", u.LambdaStdError);
        Number(w, "peakConcurrency", u.PeakConcurrency);
        Number(w, "peakThroughput", u.PeakThroughput);
        Number(w, "ceiling", u.Ceiling);
        w.WriteBoolean("reachesPastPeak", u.ReachesPastPeak);
        w.WriteBoolean("coherencySignificant", u.CoherencySignificant);
        w.WriteNumber("points", u.Points);
        Number(w, "maxConcurrency", u.MaxConcurrency);
        Number(w, "rSquared", u.RSquared);
        Number(w, "rmse", u.Rmse);
        Number(w, "mape", u.Mape);
        w.WriteStartObject("kappaZero");
        Number(w, "sigma", u.Amdahl.Sigma);
        Number(w, "lambda", u.Amdahl.Lambda);
        Number(w, "fStatistic", u.Amdahl.FStatistic);
        Number(w, "pValue", u.Amdahl.PValue);
        w.WriteEndObject();
        Strings(w, "caveats", u.Caveats);
        w.WriteEndObject();
    }

    private static void Number(Utf8JsonWriter w, string name, double? value)
        => AnalysisJsonWriter.WriteNumberOrNull(w, name, value is { } v ? Round(v) : null);

    /// <summary>Round to 3 decimals (values ≥ 1) or 4 significant digits (smaller values), like the analysis evidence.</summary>
    private static double Round(double value)
    {
        if (!double.IsFinite(value) || value == 0 || Math.Abs(value) >= 1)
        {
            return double.IsFinite(value) ? Math.Round(value, 3, MidpointRounding.AwayFromZero) : value;
        }

        var digits = Math.Clamp(3 - (int)Math.Floor(Math.Log10(Math.Abs(value))), 0, 15);
        return Math.Round(value, digits, MidpointRounding.AwayFromZero);
    }

    private static void Level(Utf8JsonWriter w, string name, CapacityReport report, int? stepIndex)
        => Number(w, name, stepIndex is { } i && i >= 0 && i < report.Steps.Count ? report.Steps[i].Level : null);

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
