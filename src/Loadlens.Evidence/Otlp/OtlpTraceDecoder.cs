using System.Globalization;
using System.Text.Json;

namespace Loadlens.Evidence.Otlp;

/// <summary>
/// Decodes an OTLP <c>ExportTraceServiceRequest</c> from its protobuf encoding or its OTLP/JSON encoding into
/// <see cref="OtlpSpan"/>s. The message definitions follow the published OTLP specification
/// (opentelemetry-proto, <c>trace/v1/trace.proto</c> and <c>common/v1/common.proto</c>); only the fields the evidence
/// needs are read and every other field is skipped. OTLP/JSON differs from the plain proto3 JSON mapping: ids are hex,
/// 64-bit integers may be strings, enums may be names; snake_case field names are accepted too. Spans with invalid ids
/// (not 16/8 bytes, all zero) are counted as rejected and left out. Malformed input throws
/// <see cref="FormatException"/>.
/// </summary>
internal static class OtlpTraceDecoder
{
    /// <summary>Decode a protobuf <c>ExportTraceServiceRequest</c>.</summary>
    public static List<OtlpSpan> DecodeProtobuf(ReadOnlySpan<byte> body, out int rejected)
    {
        var spans = new List<OtlpSpan>();
        rejected = 0;
        var request = new ProtoReader(body);
        while (request.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                ReadResourceSpans(request.ReadBytes(), spans, ref rejected);
            }
            else
            {
                request.Skip(wire);
            }
        }

        return spans;
    }

    /// <summary>Decode an OTLP/JSON <c>ExportTraceServiceRequest</c>.</summary>
    public static List<OtlpSpan> DecodeJson(ReadOnlySpan<byte> body, out int rejected)
    {
        var spans = new List<OtlpSpan>();
        rejected = 0;
        JsonDocument doc;
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, MaxDepth = 64 });
            doc = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException ex)
        {
            throw new FormatException("OTLP/JSON: " + ex.Message, ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new FormatException("OTLP/JSON: the body is not an object");
            }

            foreach (var rs in Array(doc.RootElement, "resourceSpans", "resource_spans"))
            {
                string? service = null;
                if (Prop(rs, "resource") is { ValueKind: JsonValueKind.Object } resource)
                {
                    service = JsonAttributes(resource).GetValueOrDefault("service.name") as string;
                }

                foreach (var ss in Array(rs, "scopeSpans", "scope_spans").Concat(Array(rs, "instrumentationLibrarySpans", "instrumentation_library_spans")))
                {
                    foreach (var s in Array(ss, "spans"))
                    {
                        var traceId = HexId(Prop(s, "traceId", "trace_id"), 16);
                        var spanId = HexId(Prop(s, "spanId", "span_id"), 8);
                        if (traceId is null || spanId is null)
                        {
                            rejected++;
                            continue;
                        }

                        var parent = Prop(s, "parentSpanId", "parent_span_id") is { ValueKind: JsonValueKind.String } p && p.GetString() is { Length: > 0 } ps ? HexId(p, 8) : null;
                        spans.Add(new OtlpSpan
                        {
                            TraceId = traceId,
                            SpanId = spanId,
                            ParentSpanId = parent,
                            Name = Prop(s, "name")?.GetString() ?? string.Empty,
                            Kind = (int)Enum(Prop(s, "kind"), "SPAN_KIND_", ["UNSPECIFIED", "INTERNAL", "SERVER", "CLIENT", "PRODUCER", "CONSUMER"]),
                            StartUnixNano = UInt64(Prop(s, "startTimeUnixNano", "start_time_unix_nano")),
                            EndUnixNano = UInt64(Prop(s, "endTimeUnixNano", "end_time_unix_nano")),
                            StatusCode = Prop(s, "status") is { ValueKind: JsonValueKind.Object } st ? (int)Enum(Prop(st, "code"), "STATUS_CODE_", ["UNSET", "OK", "ERROR"]) : 0,
                            ServiceName = service,
                            Attributes = JsonAttributes(s),
                        });
                    }
                }
            }
        }

        return spans;
    }

    private static void ReadResourceSpans(ReadOnlySpan<byte> data, List<OtlpSpan> spans, ref int rejected)
    {
        // The resource usually comes first, but field order is not guaranteed: read it before the spans.
        string? service = null;
        var first = new ProtoReader(data);
        while (first.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                var resource = new ProtoReader(first.ReadBytes());
                while (resource.Next(out var rf, out var rw))
                {
                    if (rf == 1 && rw == 2)
                    {
                        var (key, value) = ReadKeyValue(resource.ReadBytes());
                        if (key == "service.name" && value is string name)
                        {
                            service = name;
                        }
                    }
                    else
                    {
                        resource.Skip(rw);
                    }
                }
            }
            else
            {
                first.Skip(wire);
            }
        }

        var reader = new ProtoReader(data);
        while (reader.Next(out var field, out var wire))
        {
            if ((field == 2 || field == 1000) && wire == 2)
            {
                // ScopeSpans (and the deprecated InstrumentationLibrarySpans, same shape): spans = 2.
                var scope = new ProtoReader(reader.ReadBytes());
                while (scope.Next(out var sf, out var sw))
                {
                    if (sf == 2 && sw == 2)
                    {
                        if (ReadSpan(scope.ReadBytes(), service) is { } span)
                        {
                            spans.Add(span);
                        }
                        else
                        {
                            rejected++;
                        }
                    }
                    else
                    {
                        scope.Skip(sw);
                    }
                }
            }
            else
            {
                reader.Skip(wire);
            }
        }
    }

    private static OtlpSpan? ReadSpan(ReadOnlySpan<byte> data, string? service)
    {
        string? traceId = null, spanId = null, parent = null, name = null;
        int kind = 0, status = 0;
        ulong start = 0, end = 0;
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        var r = new ProtoReader(data);
        while (r.Next(out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == 2:
                    traceId = Hex(r.ReadBytes(), 16);
                    break;
                case 2 when wire == 2:
                    spanId = Hex(r.ReadBytes(), 8);
                    break;
                case 4 when wire == 2:
                    var p = r.ReadBytes();
                    parent = p.Length == 0 ? null : Hex(p, 8);
                    break;
                case 5 when wire == 2:
                    name = r.ReadString();
                    break;
                case 6 when wire == 0:
                    kind = (int)r.ReadVarint();
                    break;
                case 7 when wire == 1:
                    start = r.ReadFixed64();
                    break;
                case 8 when wire == 1:
                    end = r.ReadFixed64();
                    break;
                case 9 when wire == 2:
                    var (key, value) = ReadKeyValue(r.ReadBytes());
                    if (key.Length > 0 && value is not null)
                    {
                        attributes[key] = value;
                    }

                    break;
                case 15 when wire == 2:
                    var st = new ProtoReader(r.ReadBytes());
                    while (st.Next(out var sf, out var sw))
                    {
                        if (sf == 3 && sw == 0)
                        {
                            status = (int)st.ReadVarint();
                        }
                        else
                        {
                            st.Skip(sw);
                        }
                    }

                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }

        return traceId is null || spanId is null
            ? null
            : new OtlpSpan
            {
                TraceId = traceId,
                SpanId = spanId,
                ParentSpanId = parent,
                Name = name ?? string.Empty,
                Kind = kind,
                StartUnixNano = start,
                EndUnixNano = end,
                StatusCode = status,
                ServiceName = service,
                Attributes = attributes,
            };
    }

    private static (string Key, object? Value) ReadKeyValue(ReadOnlySpan<byte> data)
    {
        var key = string.Empty;
        object? value = null;
        var r = new ProtoReader(data);
        while (r.Next(out var field, out var wire))
        {
            if (field == 1 && wire == 2)
            {
                key = r.ReadString();
            }
            else if (field == 2 && wire == 2)
            {
                value = ReadAnyValue(r.ReadBytes(), depth: 0);
            }
            else
            {
                r.Skip(wire);
            }
        }

        return (key, value);
    }

    private static object? ReadAnyValue(ReadOnlySpan<byte> data, int depth)
    {
        if (depth > 8)
        {
            throw new FormatException("protobuf: attribute values nested too deeply");
        }

        object? value = null;
        var r = new ProtoReader(data);
        while (r.Next(out var field, out var wire))
        {
            switch (field)
            {
                case 1 when wire == 2:
                    value = r.ReadString();
                    break;
                case 2 when wire == 0:
                    value = r.ReadVarint() != 0;
                    break;
                case 3 when wire == 0:
                    value = (long)r.ReadVarint();
                    break;
                case 4 when wire == 1:
                    value = BitConverter.UInt64BitsToDouble(r.ReadFixed64());
                    break;
                case 5 when wire == 2:
                    var items = new List<string>();
                    var array = new ProtoReader(r.ReadBytes());
                    while (array.Next(out var af, out var aw))
                    {
                        if (af == 1 && aw == 2)
                        {
                            items.Add(Convert.ToString(ReadAnyValue(array.ReadBytes(), depth + 1), CultureInfo.InvariantCulture) ?? string.Empty);
                        }
                        else
                        {
                            array.Skip(aw);
                        }
                    }

                    value = string.Join(",", items);
                    break;
                default:
                    r.Skip(wire);
                    break;
            }
        }

        return value;
    }

    private static string? Hex(ReadOnlySpan<byte> id, int length) =>
        id.Length != length || !id.ContainsAnyExcept((byte)0) ? null : Convert.ToHexStringLower(id);

    private static string? HexId(JsonElement? element, int length)
    {
        if (element is not { ValueKind: JsonValueKind.String } e || e.GetString() is not { } text)
        {
            return null;
        }

        if (text.Length != 2 * length || !text.All(char.IsAsciiHexDigit) || text.All(c => c == '0'))
        {
            return null;
        }

        return text.ToLowerInvariant();
    }

    private static JsonElement? Prop(JsonElement element, params ReadOnlySpan<string> names)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var name in names)
        {
            if (element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null)
            {
                return value;
            }
        }

        return null;
    }

    private static List<JsonElement> Array(JsonElement element, params string[] names)
    {
        foreach (var name in names)
        {
            if (Prop(element, name) is { } value)
            {
                if (value.ValueKind != JsonValueKind.Array)
                {
                    throw new FormatException($"OTLP/JSON: '{name}' is not an array");
                }

                return value.EnumerateArray().ToList();
            }
        }

        return [];
    }

    private static ulong UInt64(JsonElement? element) => element switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetUInt64(out var v) => v,
        { ValueKind: JsonValueKind.String } s when ulong.TryParse(s.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out var v) => v,
        null => 0,
        _ => throw new FormatException("OTLP/JSON: a time is not an unsigned integer"),
    };

    private static long Int64(JsonElement element) => element switch
    {
        { ValueKind: JsonValueKind.Number } n when n.TryGetInt64(out var v) => v,
        { ValueKind: JsonValueKind.String } s when long.TryParse(s.GetString(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var v) => v,
        _ => throw new FormatException("OTLP/JSON: intValue is not an integer"),
    };

    private static long Enum(JsonElement? element, string prefix, string[] names)
    {
        switch (element)
        {
            case null:
                return 0;
            case { ValueKind: JsonValueKind.Number } n when n.TryGetInt32(out var v):
                return v;
            case { ValueKind: JsonValueKind.String } s:
                var text = s.GetString() ?? string.Empty;
                var bare = text.StartsWith(prefix, StringComparison.Ordinal) ? text[prefix.Length..] : text;
                var index = System.Array.IndexOf(names, bare);
                return index >= 0 ? index : throw new FormatException($"OTLP/JSON: unknown enum value '{text}'");
            default:
                throw new FormatException("OTLP/JSON: an enum is neither a number nor a name");
        }
    }

    private static Dictionary<string, object> JsonAttributes(JsonElement owner)
    {
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var kv in Array(owner, "attributes"))
        {
            if (Prop(kv, "key")?.GetString() is { Length: > 0 } key && Prop(kv, "value") is { } value && JsonAnyValue(value, 0) is { } v)
            {
                attributes[key] = v;
            }
        }

        return attributes;
    }

    private static object? JsonAnyValue(JsonElement value, int depth)
    {
        if (depth > 8 || value.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        if (Prop(value, "stringValue", "string_value") is { ValueKind: JsonValueKind.String } s)
        {
            return s.GetString();
        }

        if (Prop(value, "boolValue", "bool_value") is { } b)
        {
            return b.ValueKind == JsonValueKind.True;
        }

        if (Prop(value, "intValue", "int_value") is { } i)
        {
            return Int64(i);
        }

        if (Prop(value, "doubleValue", "double_value") is { ValueKind: JsonValueKind.Number } d)
        {
            return d.GetDouble();
        }

        if (Prop(value, "arrayValue", "array_value") is { ValueKind: JsonValueKind.Object } a)
        {
            return string.Join(",", Array(a, "values").Select(v => Convert.ToString(JsonAnyValue(v, depth + 1), CultureInfo.InvariantCulture)));
        }

        return null;
    }
}
