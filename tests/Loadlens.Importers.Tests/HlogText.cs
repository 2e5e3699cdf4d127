using System.Globalization;
using System.Text;
using HdrHistogram;
using Loadlens.Core.Metrics;

namespace Loadlens.Importers.Tests;

/// <summary>Writes HdrHistogram interval logs the way Java's HistogramLogWriter lays them out.</summary>
internal static class HlogText
{
    public static LongHistogram Histogram(IEnumerable<(long Value, long Count)> values, long highest = LatencyHistograms.HighestMicros)
    {
        var h = new LongHistogram(1, highest, 3);
        foreach (var (v, c) in values)
        {
            h.RecordValueWithCount(v, c);
        }

        return h;
    }

    public static string Log(double? startTime, double? baseTime, IEnumerable<(string? Tag, double Start, double Length, HistogramBase Histogram)> lines, string? extraComment = null)
    {
        var sb = new StringBuilder();
        sb.Append("#[Histogram log format version 1.3]\n");
        if (startTime is { } s)
        {
            sb.Append(CultureInfo.InvariantCulture, $"#[StartTime: {s:F3} (seconds since epoch), Wed May 01 08:00:00 UTC 2024]\n");
        }

        if (baseTime is { } b)
        {
            sb.Append(CultureInfo.InvariantCulture, $"#[BaseTime: {b:F3} (seconds since epoch)]\n");
        }

        if (extraComment is not null)
        {
            sb.Append(extraComment).Append('\n');
        }

        sb.Append("\"StartTimestamp\",\"Interval_Length\",\"Interval_Max\",\"Interval_Compressed_Histogram\"\n");
        foreach (var (tag, start, length, h) in lines)
        {
            if (tag is not null)
            {
                sb.Append("Tag=").Append(tag).Append(',');
            }

            sb.Append(CultureInfo.InvariantCulture, $"{start:F3},{length:F3},{h.GetMaxValue() / 1e6:F3},{LatencyHistograms.Encode(h)}\n");
        }

        return sb.ToString();
    }
}
