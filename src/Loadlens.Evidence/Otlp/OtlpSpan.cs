namespace Loadlens.Evidence.Otlp;

/// <summary>One span as received over OTLP, with the fields the evidence needs (ids as lowercase hex).</summary>
internal sealed record OtlpSpan
{
    /// <summary>Server span kind (OTLP <c>SPAN_KIND_SERVER</c>).</summary>
    public const int KindServer = 2;

    /// <summary>Client span kind (OTLP <c>SPAN_KIND_CLIENT</c>): outgoing calls, database statements.</summary>
    public const int KindClient = 3;

    /// <summary>32 lowercase hex digits.</summary>
    public required string TraceId { get; init; }

    /// <summary>16 lowercase hex digits.</summary>
    public required string SpanId { get; init; }

    /// <summary>The parent's span id, or null for a root span.</summary>
    public string? ParentSpanId { get; init; }

    /// <summary>Span name.</summary>
    public required string Name { get; init; }

    /// <summary>OTLP span kind (0 unspecified, 1 internal, 2 server, 3 client, 4 producer, 5 consumer).</summary>
    public int Kind { get; init; }

    /// <summary>Start, Unix time in nanoseconds.</summary>
    public ulong StartUnixNano { get; init; }

    /// <summary>End, Unix time in nanoseconds.</summary>
    public ulong EndUnixNano { get; init; }

    /// <summary>Status code (0 unset, 1 ok, 2 error).</summary>
    public int StatusCode { get; init; }

    /// <summary>The resource's <c>service.name</c>, if any.</summary>
    public string? ServiceName { get; init; }

    /// <summary>Span attributes: string, long, double, bool (arrays as comma-joined text).</summary>
    public IReadOnlyDictionary<string, object> Attributes { get; init; } = new Dictionary<string, object>();

    /// <summary>Duration in milliseconds (0 when the end is before the start).</summary>
    public double DurationMs => EndUnixNano > StartUnixNano ? (EndUnixNano - StartUnixNano) / 1e6 : 0;

    /// <summary>The first of <paramref name="names"/> present, as text (current and older semantic-convention names).</summary>
    public string? Text(params ReadOnlySpan<string> names)
    {
        foreach (var name in names)
        {
            if (Attributes.TryGetValue(name, out var value))
            {
                return Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return null;
    }

    /// <summary>The database system (<c>db.system.name</c>, else the older <c>db.system</c>), null for non-DB spans.</summary>
    public string? DbSystem => Text("db.system.name", "db.system");

    /// <summary>The statement (<c>db.query.text</c>, else the older <c>db.statement</c>).</summary>
    public string? DbStatement => Text("db.query.text", "db.statement");

    /// <summary>The route template (<c>http.route</c>).</summary>
    public string? Route => Text("http.route");
}
