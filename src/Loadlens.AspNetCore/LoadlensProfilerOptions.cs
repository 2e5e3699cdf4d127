namespace Loadlens.AspNetCore;

/// <summary>Settings of the Loadlens profiler (<see cref="LoadlensProfilerExtensions.AddLoadlensProfiler"/>).</summary>
public sealed class LoadlensProfilerOptions
{
    /// <summary>
    /// The key that the profiler's endpoints require (header <c>X-Loadlens-Key</c> or query <c>?key=</c>). Setting a key
    /// also turns the profiler on outside the Development environment. Without a key the profiler runs only in
    /// Development and its endpoints are open there.
    /// </summary>
    public string? Key { get; set; }

    /// <summary>
    /// Forces the profiler on or off. <see langword="null"/> (the default): on in Development or when a
    /// <see cref="Key"/> is set, off otherwise. Turning it on outside Development without a key is refused at start-up.
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>Where the profiler's endpoints live (default <c>/_loadlens</c>: <c>/_loadlens/profile</c>, <c>/_loadlens/metrics</c>).</summary>
    public string PathPrefix { get; set; } = "/_loadlens";

    /// <summary>
    /// An OTLP/HTTP traces endpoint (e.g. <c>http://127.0.0.1:4318/v1/traces</c>, a Loadlens receiver started by
    /// <c>loadlens run --otlp</c>); <see langword="null"/> (the default) exports nothing.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The <c>service.name</c> of the exported spans (default: the application name).</summary>
    public string? ServiceName { get; set; }

    /// <summary>How often queued spans are sent (default 200 ms).</summary>
    public TimeSpan ExportInterval { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Requests waiting for export at most; a request arriving at a full queue is dropped and counted (default 20,000).</summary>
    public int ExportQueueCapacity { get; set; } = 20_000;

    /// <summary>Database commands recorded per request at most; further commands are counted but not kept (default 1,000).</summary>
    public int MaxCommandsPerRequest { get; set; } = 1_000;

    /// <summary>Whether to add the <c>Server-Timing</c> response header (default true).</summary>
    public bool ServerTimingHeader { get; set; } = true;

    /// <summary>Routes aggregated at most; requests of further routes count under <c>(other)</c> (default 500).</summary>
    public int MaxRoutes { get; set; } = 500;

    /// <summary>Distinct statements aggregated per route at most; the rest count under <c>(other)</c> (default 100).</summary>
    public int MaxStatementsPerRoute { get; set; } = 100;
}
