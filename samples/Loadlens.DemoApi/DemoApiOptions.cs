namespace Loadlens.DemoApi;

/// <summary>Options for building or starting the demo API.</summary>
public sealed record DemoApiOptions
{
    /// <summary>
    /// Path of the SQLite database file. When <see langword="null"/>, <see cref="DemoApiHost.StartAsync"/>
    /// creates a new temporary file and deletes it again on dispose. A new file is a copy of the seeded database cached in
    /// the temp folder (seeded once per <see cref="Data.DemoDatabase.SeedVersion"/>); an existing demo database is reused.
    /// </summary>
    public string? DatabasePath { get; init; }

    /// <summary>TCP port to listen on at 127.0.0.1; 0 picks a free port.</summary>
    public int Port { get; init; }

    /// <summary>When <see langword="true"/> (the default), no logging providers are registered, so nothing is written to the console.</summary>
    public bool Quiet { get; init; } = true;

    /// <summary>The flaws switched on (<see cref="DemoFlaws.None"/>: every fix on; the default).</summary>
    public DemoFlaws Flaws { get; init; }

    /// <summary>Connections of the bounded pool with <see cref="DemoFlaws.SmallPool"/> on.</summary>
    public int SmallPoolSize { get; init; } = 4;

    /// <summary>How long <c>GET /api/stats/cuisines</c> keeps its aggregate with <see cref="DemoFlaws.UncachedAggregate"/> off.</summary>
    public TimeSpan StatsCacheTtl { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// The key of the Loadlens profiler's endpoints (<c>/_loadlens/profile</c>, <c>/_loadlens/metrics</c>; header
    /// <c>X-Loadlens-Key</c> or <c>?key=</c>). The profiler is always on in the demo; when this is null a random key
    /// is made at start-up (<see cref="DemoApiHost.ProfilerKey"/>).
    /// </summary>
    public string? ProfilerKey { get; init; }

    /// <summary>Where the profiler exports its spans (OTLP/HTTP, e.g. <c>http://127.0.0.1:4318/v1/traces</c>); null: no export.</summary>
    public Uri? OtlpEndpoint { get; init; }

    /// <summary>The clock of the aggregate cache's TTL.</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
