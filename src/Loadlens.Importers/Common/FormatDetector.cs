using Loadlens.Core;
using Loadlens.Importers.Locust;

namespace Loadlens.Importers.Common;

/// <summary>Decides which importer reads a path: by name first, then by content.</summary>
internal static class FormatDetector
{
    public const string Loadlens = "loadlens";
    public const string Locust = "locust";
    public const string K6Summary = "k6-summary";
    public const string K6Json = "k6-json";
    public const string JMeter = "jmeter";
    public const string Hlog = "hlog";

    /// <summary>All format names, in the order they are documented.</summary>
    public static IReadOnlyList<string> Names { get; } = [Loadlens, Locust, K6Summary, K6Json, JMeter, Hlog];

    /// <summary>The format of <paramref name="path"/>; a clear error when nothing matches.</summary>
    public static string Detect(string path)
    {
        if (Directory.Exists(path))
        {
            if (LocustImporter.TryResolvePrefix(path) is not null || Directory.GetFiles(path, "*" + LocustImporter.StatsSuffix).Length > 0)
            {
                return Locust;
            }

            if (File.Exists(Path.Combine(path, "result.json")))
            {
                return Loadlens;
            }

            throw new InputFormatException(path, 0, 0, "folder holds no Locust *_stats.csv and no result.json; name a result file");
        }

        if (!File.Exists(path))
        {
            if (LocustImporter.TryResolvePrefix(path) is not null)
            {
                return Locust;
            }

            throw new InputFormatException(path, 0, 0, "file not found");
        }

        var name = Path.GetFileName(path);
        if (LocustImporter.TryResolvePrefix(path) is not null && name.EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
            && (name.EndsWith(LocustImporter.StatsSuffix, StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(LocustImporter.HistorySuffix, StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(LocustImporter.FailuresSuffix, StringComparison.OrdinalIgnoreCase)
                || name.EndsWith(LocustImporter.ExceptionsSuffix, StringComparison.OrdinalIgnoreCase)))
        {
            return Locust;
        }

        var head = InputFiles.Head(path).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        return FromContent(head) ?? FromExtension(name)
            ?? throw new InputFormatException(path, 1, 1,
                $"cannot tell the format of this file; pass --format ({string.Join(", ", Names)})");
    }

    /// <summary>Format suggested by the first characters of a file, or null.</summary>
    public static string? FromContent(string head)
    {
        if (head.StartsWith("Type,Name,Request Count", StringComparison.Ordinal)
            || head.StartsWith("Timestamp,User Count,", StringComparison.Ordinal))
        {
            return Locust;
        }

        if (head.StartsWith("#[", StringComparison.Ordinal) || head.StartsWith("\"StartTimestamp\"", StringComparison.Ordinal)
            || head.StartsWith("Tag=", StringComparison.Ordinal) || head.Contains(",HISTFAA", StringComparison.Ordinal))
        {
            return Hlog;
        }

        if (head.StartsWith('{'))
        {
            var firstLine = head.AsSpan(0, Math.Max(0, head.IndexOf('\n') is var nl && nl >= 0 ? nl : head.Length));
            if ((firstLine.Contains("\"type\":\"Metric\"", StringComparison.Ordinal) || firstLine.Contains("\"type\":\"Point\"", StringComparison.Ordinal))
                && firstLine.Contains("\"metric\"", StringComparison.Ordinal))
            {
                return K6Json;
            }

            if (head.Contains("\"schemaVersion\"", StringComparison.Ordinal) && head.Contains("\"endpoints\"", StringComparison.OrdinalIgnoreCase))
            {
                return Loadlens;
            }

            if (head.Contains("\"root_group\"", StringComparison.Ordinal) || head.Contains("\"metrics\"", StringComparison.Ordinal))
            {
                return K6Summary;
            }

            return head.Contains("\"schemaVersion\"", StringComparison.Ordinal) ? Loadlens : null;
        }

        if (head.StartsWith("timeStamp,", StringComparison.OrdinalIgnoreCase) || head.StartsWith("timeStamp\t", StringComparison.OrdinalIgnoreCase))
        {
            return JMeter;
        }

        // A header-less JTL starts with a 13-digit epoch-ms timestamp and an elapsed time.
        var i = 0;
        while (i < head.Length && char.IsAsciiDigit(head[i]))
        {
            i++;
        }

        if (i is >= 12 and <= 14 && i < head.Length && (head[i] == ',' || head[i] == '\t'))
        {
            return JMeter;
        }

        return null;
    }

    private static string? FromExtension(string name)
    {
        var lower = name.ToLowerInvariant();
        return lower switch
        {
            _ when lower.EndsWith(".jtl", StringComparison.Ordinal) => JMeter,
            _ when lower.EndsWith(".hlog", StringComparison.Ordinal) => Hlog,
            _ when lower.EndsWith(".ndjson", StringComparison.Ordinal) || lower.EndsWith(".ndjson.gz", StringComparison.Ordinal)
                || lower.EndsWith(".json.gz", StringComparison.Ordinal) => K6Json,
            _ => null,
        };
    }
}
