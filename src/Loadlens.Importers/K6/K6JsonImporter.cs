using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Importers.Common;
using Loadlens.Importers.Text;

namespace Loadlens.Importers.K6;

/// <summary>
/// k6 <c>--out json=FILE</c> (NDJSON, optionally gzipped) → <see cref="RunResult"/>, streamed line by line.
/// Each <c>http_req_duration</c> point is one request: grouped by its <c>name</c> tag (k6 sets it to the URL
/// unless the script names the request), else <c>url</c>, and by <c>method</c>. Failure is the
/// <c>expected_response</c> tag (what <c>http_req_failed</c> counts). <c>vus</c> gives active users,
/// <c>data_received</c>/<c>data_sent</c> the run's bytes.
/// </summary>
internal static class K6JsonImporter
{
    public static RunResult Import(string path, CancellationToken cancellationToken)
    {
        var aggregator = new SampleAggregator();
        var tags = new Tags();
        long lines = 0;
        long metricLines = 0;
        var open = false;
        var missingExpectedResponse = false;
        using (var reader = new ByteLineReader(InputFiles.OpenStream(path), path))
        {
            while (reader.TryReadLine(out var line))
            {
                if ((++lines & 0xFFFF) == 0)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                }

                if (line.Trim(" \t"u8).Length == 0)
                {
                    continue;
                }

                try
                {
                    var kind = ReadEnvelope(line, out var metric, out var dataStart, out var dataLength);
                    if (kind == LineKind.Metric)
                    {
                        metricLines++;
                        continue;
                    }

                    if (dataLength == 0)
                    {
                        throw new InputFormatException(path, reader.LineNumber, 1, "Point line has no \"data\" object");
                    }

                    var data = line.Slice(dataStart, dataLength);
                    switch (metric)
                    {
                        case Metric.HttpReqDuration:
                            tags.Clear();
                            ReadPoint(data, tags, out var timeMs, out var value, path, reader.LineNumber);
                            RecordRequest(aggregator, tags, timeMs, value, path, reader.LineNumber, ref missingExpectedResponse);
                            break;
                        case Metric.Vus:
                            ReadPoint(data, null, out var vusTime, out var vus, path, reader.LineNumber);
                            aggregator.Users(vusTime, (long)Math.Round(vus));
                            break;
                        case Metric.DataReceived:
                            ReadPoint(data, null, out _, out var received, path, reader.LineNumber);
                            aggregator.AddRunBytes((long)received, 0);
                            break;
                        case Metric.DataSent:
                            ReadPoint(data, null, out _, out var sent, path, reader.LineNumber);
                            aggregator.AddRunBytes(0, (long)sent);
                            break;
                        case Metric.DroppedIterations:
                            open = true;
                            break;
                        default:
                            break;
                    }
                }
                catch (JsonException ex)
                {
                    throw new InputFormatException(path, reader.LineNumber, (int)(ex.BytePositionInLine ?? 0) + 1, "invalid JSON: " + FirstSentence(ex.Message), ex);
                }
                catch (InvalidOperationException ex)
                {
                    // Utf8JsonReader validates string contents only when they are read: invalid UTF-8 or a mistyped token.
                    throw new InputFormatException(path, reader.LineNumber, 1, "invalid JSON text: " + ex.Message, ex);
                }
            }
        }

        var aggregate = aggregator.Build()
            ?? throw new InputFormatException(path, (int)Math.Clamp(lines, 1, int.MaxValue), 1,
                metricLines > 0 || lines > 0 ? "no http_req_duration points in this k6 JSON output (no HTTP requests?)" : "empty file");
        var notes = new List<string>
        {
            "Imported from k6 --out json: one http_req_duration point per request, grouped by the name tag (or url) and method; "
            + "percentiles come from HdrHistograms (3 significant digits), count/mean/min/max are exact; samples are placed in the second they completed. "
            + "k6's http_req_duration excludes connection setup (blocked, connecting, TLS).",
        };
        if (missingExpectedResponse)
        {
            notes.Add("Some points had no expected_response tag: those count as failed when the status is 0 or ≥ 400.");
        }

        if (aggregator.EndpointsCapped)
        {
            notes.Add($"More than {SampleAggregator.MaxEndpoints} distinct name/url tags: the rest are counted under '{SampleAggregator.OverflowName}'.");
        }

        if (aggregator.Stragglers > 0)
        {
            notes.Add($"{aggregator.Stragglers} point(s) arrived more than {SampleAggregator.ReorderSeconds} s out of order; their seconds were reopened.");
        }

        if (open)
        {
            notes.Add("dropped_iterations points were present: an arrival-rate executor ran (open model) and could not start every iteration.");
        }

        return ImportedRun.Build(path, "k6", "unknown", "k6-json", aggregate, aggregator.PeakUsers > 0 ? aggregator.PeakUsers : null, notes, open ? "open" : "closed", aggregator.Target);
    }

    private enum LineKind
    {
        Point,
        Metric,
    }

    private enum Metric
    {
        Other,
        HttpReqDuration,
        Vus,
        DataReceived,
        DataSent,
        DroppedIterations,
    }

    private static LineKind ReadEnvelope(ReadOnlySpan<byte> line, out Metric metric, out int dataStart, out int dataLength)
    {
        var reader = new Utf8JsonReader(line, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Disallow });
        metric = Metric.Other;
        dataStart = 0;
        dataLength = 0;
        var kind = (LineKind?)null;
        var sawMetric = false;
        Expect(ref reader, JsonTokenType.StartObject, "each line must be a JSON object");
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("type"u8))
            {
                reader.Read();
                kind = reader.TokenType != JsonTokenType.String ? throw new JsonException("\"type\" must be a string")
                    : reader.ValueTextEquals("Point"u8) ? LineKind.Point
                    : reader.ValueTextEquals("Metric"u8) ? LineKind.Metric
                    : throw new JsonException("\"type\" must be \"Point\" or \"Metric\"");
            }
            else if (reader.ValueTextEquals("metric"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String)
                {
                    throw new JsonException("\"metric\" must be a string");
                }

                sawMetric = true;
                metric = reader.ValueTextEquals("http_req_duration"u8) ? Metric.HttpReqDuration
                    : reader.ValueTextEquals("vus"u8) ? Metric.Vus
                    : reader.ValueTextEquals("data_received"u8) ? Metric.DataReceived
                    : reader.ValueTextEquals("data_sent"u8) ? Metric.DataSent
                    : reader.ValueTextEquals("dropped_iterations"u8) ? Metric.DroppedIterations
                    : Metric.Other;
            }
            else if (reader.ValueTextEquals("data"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new JsonException("\"data\" must be an object");
                }

                dataStart = (int)reader.TokenStartIndex;
                reader.Skip();
                dataLength = (int)reader.BytesConsumed - dataStart;
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (reader.TokenType != JsonTokenType.EndObject)
        {
            throw new JsonException("expected a property name or '}'");
        }

        if (reader.Read())
        {
            throw new JsonException("more than one JSON value on the line");
        }

        if (kind is null || !sawMetric)
        {
            throw new JsonException("not a k6 JSON output line (needs \"type\" and \"metric\")");
        }

        return kind.Value;
    }

    private static void ReadPoint(ReadOnlySpan<byte> data, Tags? tags, out long timeMs, out double value, string path, int line)
    {
        var reader = new Utf8JsonReader(data);
        reader.Read();
        timeMs = long.MinValue;
        value = double.NaN;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("time"u8))
            {
                reader.Read();
                if (reader.TokenType != JsonTokenType.String || reader.ValueIsEscaped
                    || !Rfc3339.TryParseMillis(reader.ValueSpan, out timeMs, out _))
                {
                    throw new InputFormatException(path, line, (int)reader.TokenStartIndex + 1, "data.time is not an RFC 3339 timestamp");
                }
            }
            else if (reader.ValueTextEquals("value"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number)
                {
                    value = reader.GetDouble();
                }
                else if (reader.TokenType is JsonTokenType.True or JsonTokenType.False)
                {
                    value = reader.TokenType == JsonTokenType.True ? 1 : 0;
                }
                else
                {
                    throw new InputFormatException(path, line, 1, "data.value is not a number");
                }
            }
            else if (tags is not null && reader.ValueTextEquals("tags"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Null)
                {
                    continue;
                }

                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new InputFormatException(path, line, 1, "data.tags is not an object");
                }

                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    var slot = Tags.SlotFor(ref reader);
                    reader.Read();
                    if (slot is null || reader.TokenType != JsonTokenType.String)
                    {
                        reader.Skip();
                        continue;
                    }

                    tags.Set(slot.Value, ref reader);
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        if (timeMs == long.MinValue)
        {
            throw new InputFormatException(path, line, 1, "Point has no data.time");
        }

        if (!double.IsFinite(value))
        {
            throw new InputFormatException(path, line, 1, "Point has no numeric data.value");
        }
    }

    private static void RecordRequest(SampleAggregator aggregator, Tags tags, long timeMs, double value, string path, int line, ref bool missingExpected)
    {
        if (value < 0 || value > 86_400_000)
        {
            throw new InputFormatException(path, line, 1, FormattableString.Invariant($"http_req_duration value {value} ms is out of range"));
        }

        if (!aggregator.WithinSpan(timeMs))
        {
            throw new InputFormatException(path, line, 1, "data.time is more than 7 days away from the other points (not one run)");
        }

        var status = 0;
        if (tags.Status.Length > 0 && (!Utf8Parser.TryParse(tags.Status.Span, out status, out var used) || used != tags.Status.Length || status is < 0 or > 999))
        {
            throw new InputFormatException(path, line, 1, $"status tag '{Encoding.UTF8.GetString(tags.Status.Span)}' is not an HTTP status");
        }

        bool failed;
        if (tags.ExpectedResponse.Length > 0)
        {
            failed = tags.ExpectedResponse.Span.SequenceEqual("false"u8);
        }
        else
        {
            missingExpected = true;
            failed = status == 0 || status >= 400;
        }

        if (aggregator.Target.Length == 0 && tags.Url.Length > 0)
        {
            aggregator.OfferUrl(tags.Chars(tags.Url, 1));
        }

        var name = tags.Name.Length > 0 ? tags.Name : tags.Url;
        var endpoint = aggregator.Endpoint(tags.Chars(tags.Method, 0), name.Length > 0 ? tags.Chars(name, 1) : "(unnamed)");
        var category = ErrorCategory.None;
        var message = string.Empty;
        if (failed)
        {
            var error = tags.Error.Length > 0 ? Encoding.UTF8.GetString(tags.Error.Span) : string.Empty;
            var code = tags.ErrorCode.Length > 0 ? Encoding.UTF8.GetString(tags.ErrorCode.Span) : string.Empty;
            category = status >= 400 ? ErrorClassifier.FromStatus(status)
                : status > 0 ? ErrorCategory.CheckFailed
                : ErrorClassifier.FromMessage(error + " " + code);
            message = error.Length > 0 ? (code.Length > 0 ? $"{error} (error_code {code})" : error)
                : status > 0 ? $"HTTP {status}" : "request failed without a response";
        }

        aggregator.Record(endpoint, timeMs, value, failed, status, 0, 0, category, message);
    }

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string problem)
    {
        if (!reader.Read() || reader.TokenType != type)
        {
            throw new JsonException(problem);
        }
    }

    private static string FirstSentence(string message)
    {
        var cut = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    /// <summary>The few tags that matter, as UTF-8 bytes copied out of the line (unescaped).</summary>
    private sealed class Tags
    {
        private readonly Buffer[] _slots = [new(), new(), new(), new(), new(), new(), new()];

        public enum Slot
        {
            Name,
            Url,
            Method,
            Status,
            ExpectedResponse,
            Error,
            ErrorCode,
        }

        public Buffer Name => _slots[0];

        public Buffer Url => _slots[1];

        public Buffer Method => _slots[2];

        public Buffer Status => _slots[3];

        public Buffer ExpectedResponse => _slots[4];

        public Buffer Error => _slots[5];

        public Buffer ErrorCode => _slots[6];

        private char[][] _chars = [new char[64], new char[256]];

        /// <summary>UTF-8 tag bytes as chars in a reused buffer (no string per request).</summary>
        public ReadOnlySpan<char> Chars(Buffer buffer, int which)
        {
            var needed = Encoding.UTF8.GetMaxCharCount(buffer.Length);
            if (_chars[which].Length < needed)
            {
                _chars[which] = new char[needed];
            }

            var n = Encoding.UTF8.GetChars(buffer.Span, _chars[which]);
            return _chars[which].AsSpan(0, n);
        }

        public void Clear()
        {
            foreach (var s in _slots)
            {
                s.Length = 0;
            }
        }

        public static Slot? SlotFor(ref Utf8JsonReader reader)
            => reader.ValueTextEquals("name"u8) ? Slot.Name
            : reader.ValueTextEquals("url"u8) ? Slot.Url
            : reader.ValueTextEquals("method"u8) ? Slot.Method
            : reader.ValueTextEquals("status"u8) ? Slot.Status
            : reader.ValueTextEquals("expected_response"u8) ? Slot.ExpectedResponse
            : reader.ValueTextEquals("error"u8) ? Slot.Error
            : reader.ValueTextEquals("error_code"u8) ? Slot.ErrorCode
            : null;

        public void Set(Slot slot, ref Utf8JsonReader reader)
        {
            var buffer = _slots[(int)slot];
            var max = reader.HasValueSequence ? (int)reader.ValueSequence.Length : reader.ValueSpan.Length;
            buffer.Ensure(max);
            buffer.Length = reader.CopyString(buffer.Bytes);
        }

        public sealed class Buffer
        {
            public byte[] Bytes { get; private set; } = new byte[256];

            public int Length { get; set; }

            public ReadOnlySpan<byte> Span => Bytes.AsSpan(0, Length);

            public void Ensure(int size)
            {
                if (Bytes.Length < size)
                {
                    Bytes = new byte[Math.Max(size, Bytes.Length * 2)];
                }
            }
        }
    }
}
