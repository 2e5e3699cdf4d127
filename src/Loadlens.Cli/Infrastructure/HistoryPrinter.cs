using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;
using Loadlens.Core.Serialization;
using Loadlens.History;
using Loadlens.Reporting.Console;
using Spectre.Console;

namespace Loadlens.Cli.Infrastructure;

/// <summary>Prints history lists and stored runs (console tables, or JSON).</summary>
internal static class HistoryPrinter
{
    private static readonly JsonWriterOptions JsonOptions = new() { Indented = true, NewLine = "\n", Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static void List(CliContext cli, IReadOnlyList<StoredRunInfo> runs, string location, bool json)
    {
        if (json)
        {
            using var stream = new MemoryStream();
            using (var w = new Utf8JsonWriter(stream, JsonOptions))
            {
                w.WriteStartObject();
                w.WriteNumber("schemaVersion", 1);
                w.WriteString("kind", "history-list");
                w.WriteString("store", location);
                w.WriteStartArray("runs");
                foreach (var r in runs)
                {
                    Info(w, r);
                }

                w.WriteEndArray();
                w.WriteEndObject();
            }

            cli.Out.Write(System.Text.Encoding.UTF8.GetString(stream.ToArray()) + "\n");
            return;
        }

        if (runs.Count == 0)
        {
            cli.Out.WriteLine($"No saved runs in {location}.");
            return;
        }

        var table = new Table().Border(TableBorder.Rounded);
        table.Caption($"{runs.Count} run(s) in {Markup.Escape(location)}");
        foreach (var heading in new[] { "Id", "Started (UTC)", "Scenario", "Kind", "Tool", "Commit", "Branch", "Requests", "Failures", "Tags" })
        {
            var column = new TableColumn(heading);
            if (heading is "Requests" or "Failures")
            {
                column.RightAligned();
            }

            table.AddColumn(column);
        }

        foreach (var r in runs)
        {
            table.AddRow(
                new Text(r.Id),
                new Text(r.StartedAt.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)),
                new Text(r.Scenario),
                new Text(Kind(r.Kind)),
                new Text(r.Tool),
                new Text(r.Commit is { Length: > 0 } c ? c[..Math.Min(7, c.Length)] : "–"),
                new Text(r.Branch ?? "–"),
                new Text(r.Requests.ToString("N0", CultureInfo.InvariantCulture)),
                new Text(r.Failures.ToString("N0", CultureInfo.InvariantCulture)),
                new Text(string.Join(", ", r.Tags.Select(t => $"{t.Key}={t.Value}"))));
        }

        cli.Console.Write(table);
    }

    public static void Show(CliContext cli, StoredRun run, bool json)
    {
        if (json)
        {
            cli.Out.Write((run.Run is { } r ? RunResultJson.Serialize(r) : SweepResultJson.Serialize(run.Sweep!)) + "\n");
            return;
        }

        var i = run.Info;
        cli.Out.WriteLine($"Run {i.Id}: {i.Scenario} ({Kind(i.Kind)}, {i.Tool}), started {i.StartedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC, saved {i.SavedAt.ToUniversalTime():yyyy-MM-dd HH:mm:ss} UTC");
        cli.Out.WriteLine($"Commit {i.Commit ?? "–"}, branch {i.Branch ?? "–"}{(i.Tags.Count > 0 ? ", tags " + string.Join(", ", i.Tags.Select(t => $"{t.Key}={t.Value}")) : string.Empty)}");
        if (run.Run is { } result)
        {
            ResultTableRenderer.Write(cli.Console, result);
        }
        else if (run.Sweep is { } sweep)
        {
            foreach (var (step, n) in sweep.Steps.Select((s, n) => (s, n)))
            {
                var t = step.Result.Total;
                cli.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  step {n + 1}: level {step.Level:0.##} ({sweep.Model}), {t.Requests:N0} requests, {step.Result.RateOf(t):0.#} req/s, p95 {t.Latency.P95:0.##} ms, p99 {t.Latency.P99:0.##} ms, errors {t.FailureRate:P2}"));
            }
        }
    }

    private static void Info(Utf8JsonWriter w, StoredRunInfo r)
    {
        w.WriteStartObject();
        w.WriteString("id", r.Id);
        w.WriteString("startedAt", r.StartedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        w.WriteString("savedAt", r.SavedAt.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        w.WriteString("scenario", r.Scenario);
        w.WriteString("kind", Kind(r.Kind));
        w.WriteString("tool", r.Tool);
        w.WriteString("commit", r.Commit);
        w.WriteString("branch", r.Branch);
        w.WriteNumber("requests", r.Requests);
        w.WriteNumber("failures", r.Failures);
        w.WriteStartObject("tags");
        foreach (var (k, v) in r.Tags)
        {
            w.WriteString(k, v);
        }

        w.WriteEndObject();
        w.WriteEndObject();
    }

    private static string Kind(StoredKind kind) => kind.ToString().ToLowerInvariant();
}
