using System.Globalization;
using System.Text;
using System.Xml;
using Loadlens.Analysis.Compare;

namespace Loadlens.Reporting.Compare;

/// <summary>
/// <c>comparison.junit.xml</c>: JUnit XML as CI servers read it (the Jenkins/Surefire <c>junit-10.xsd</c> shape): one
/// <c>testsuite</c>, one <c>testcase</c> per row (overall and each endpoint) × gated metric. A regression (slower beyond
/// the threshold) is a <c>&lt;failure&gt;</c> with the numbers; an inconclusive verdict is <c>&lt;skipped&gt;</c> with its reason.
/// </summary>
internal static class ComparisonJunitWriter
{
    public static string Render(ComparisonReport report) =>
        Render($"loadlens compare: {report.Baseline.Label} → {report.Candidate.Label}", report.Candidate.StartedAt, report.Options, report.Regressions, report.Endpoints.Prepend(report.Overall).Select(r => (r, string.Empty)));

    public static string Render(SweepComparison report) =>
        Render(
            $"loadlens compare: {report.BaselineLabel} → {report.CandidateLabel}",
            report.Levels.Count > 0 ? report.Levels[0].Comparison.Candidate.StartedAt : DateTimeOffset.UnixEpoch,
            report.Options,
            report.Regressions,
            report.Levels.SelectMany(l => l.Comparison.Endpoints.Prepend(l.Comparison.Overall).Select(r => (r, $" @ {ReportFormat.Number(l.Level)} {(report.Model == "closed" ? "users" : "req/s")}"))));

    private static string Render(string suiteName, DateTimeOffset timestamp, ComparisonOptions options, IReadOnlyList<Regression> regressions, IEnumerable<(EndpointComparison Row, string Suffix)> rows)
    {
        var cases = new List<(string Name, string ClassName, MetricComparison Metric, Regression? Regression)>();
        foreach (var (row, suffix) in rows)
        {
            var endpoint = row.Name + suffix;
            foreach (var metric in row.Metrics.Where(m => options.GatedMetrics.Contains(m.Metric, StringComparer.OrdinalIgnoreCase)))
            {
                var regression = regressions.FirstOrDefault(r => r.Endpoint == endpoint && string.Equals(r.Metric, metric.Metric, StringComparison.OrdinalIgnoreCase));
                cases.Add(($"{metric.Metric} of {endpoint}", "loadlens.compare." + Sanitize(row.Name), metric, regression));
            }
        }

        var failures = cases.Count(c => c.Regression is not null);
        var skipped = cases.Count(c => c.Regression is null && c.Metric.Verdict == ComparisonVerdict.Inconclusive);
        var sb = new StringBuilder();
        using (var w = XmlWriter.Create(sb, new XmlWriterSettings { Indent = true, IndentChars = "  ", NewLineChars = "\n", OmitXmlDeclaration = true }))
        {
            w.WriteStartElement("testsuites");
            w.WriteAttributeString("name", "loadlens compare");
            w.WriteAttributeString("tests", Int(cases.Count));
            w.WriteAttributeString("failures", Int(failures));
            w.WriteAttributeString("errors", "0");
            w.WriteAttributeString("time", "0");
            w.WriteStartElement("testsuite");
            w.WriteAttributeString("name", suiteName);
            w.WriteAttributeString("tests", Int(cases.Count));
            w.WriteAttributeString("failures", Int(failures));
            w.WriteAttributeString("errors", "0");
            w.WriteAttributeString("skipped", Int(skipped));
            w.WriteAttributeString("time", "0");
            w.WriteAttributeString("timestamp", timestamp.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss", CultureInfo.InvariantCulture));
            w.WriteStartElement("properties");
            Property(w, "minEffect", options.MinEffect.ToString("0.####", CultureInfo.InvariantCulture));
            Property(w, "threshold", options.RegressionThreshold.ToString("0.####", CultureInfo.InvariantCulture));
            Property(w, "gatedMetrics", string.Join(",", options.GatedMetrics));
            w.WriteEndElement();
            foreach (var c in cases)
            {
                var m = c.Metric;
                w.WriteStartElement("testcase");
                w.WriteAttributeString("name", c.Name);
                w.WriteAttributeString("classname", c.ClassName);
                w.WriteAttributeString("time", "0");
                var numbers = $"{m.Metric}: {ComparisonText.Value(m.Baseline, m.Unit)} → {ComparisonText.Value(m.Candidate, m.Unit)} ({ComparisonText.Relative(m.RelativeChange)}, 95 % CI {ComparisonText.Interval(m)}, p = {(m.PValue is { } p ? p.ToString("0.####", CultureInfo.InvariantCulture) : "n/a")}); verdict {ComparisonText.Verdict(m.Verdict)}: {m.Reason}";
                if (c.Regression is { } r)
                {
                    w.WriteStartElement("failure");
                    w.WriteAttributeString("message", ComparisonText.Regression(r, m.Unit));
                    w.WriteAttributeString("type", "regression");
                    w.WriteString(numbers);
                    w.WriteEndElement();
                }
                else if (m.Verdict == ComparisonVerdict.Inconclusive)
                {
                    w.WriteStartElement("skipped");
                    w.WriteAttributeString("message", "inconclusive: " + m.Reason);
                    w.WriteEndElement();
                }

                w.WriteElementString("system-out", numbers);
                w.WriteEndElement();
            }

            w.WriteEndElement();
            w.WriteEndElement();
        }

        return "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + sb + "\n";
    }

    private static void Property(XmlWriter w, string name, string value)
    {
        w.WriteStartElement("property");
        w.WriteAttributeString("name", name);
        w.WriteAttributeString("value", value);
        w.WriteEndElement();
    }

    private static string Int(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Sanitize(string name) => new([.. name.Select(c => char.IsLetterOrDigit(c) || c is '_' or '-' or '/' ? c : '_')]);
}
