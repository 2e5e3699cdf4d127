using Loadlens.Analysis.Trends;
using Loadlens.History;

namespace Loadlens.Pipeline;

/// <summary>Where and how a result is saved to the run history (<c>--save</c>, <c>--history</c>, <c>--tag</c>).</summary>
public sealed record HistoryOptions
{
    /// <summary>An open store to save to (the caller keeps and disposes it); null opens <see cref="Connection"/>.</summary>
    public IRunStore? Store { get; init; }

    /// <summary>
    /// The store: a PostgreSQL URL or a SQLite path; null uses <c>LOADLENS_HISTORY</c>, else <c>.loadlens/history.db</c> under
    /// <see cref="WorkingDirectory"/> (<see cref="HistoryStore.OpenAsync"/>).
    /// </summary>
    public string? Connection { get; init; }

    /// <summary>The folder of the default store and of git detection (default: the current directory).</summary>
    public string? WorkingDirectory { get; init; }

    /// <summary>Free tags (<c>--tag key=value</c>).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>Commit and branch; null detects them (<see cref="GitInfo.Detect"/>: CI variables, then git).</summary>
    public GitInfo? Git { get; init; }

    /// <summary>Stored kind of a run; null: run for native results, import for others.</summary>
    public StoredKind? Kind { get; init; }
}

/// <summary>Options of <see cref="LoadlensPipeline.TrendAsync"/> (<c>loadlens history trend</c>).</summary>
public sealed record TrendOptions
{
    /// <summary>The scenario (run name) to follow.</summary>
    public required string Scenario { get; init; }

    /// <summary>The endpoint (name, <c>METHOD name</c>) or <c>Aggregated</c> (default).</summary>
    public string Endpoint { get; init; } = Core.Results.EndpointResult.AggregatedName;

    /// <summary>The metric (default p95).</summary>
    public TrendMetric Metric { get; init; } = TrendMetric.P95;

    /// <summary>Only these runs (branch, tags, the newest N).</summary>
    public RunFilter? Filter { get; init; }

    /// <summary>The store (<see cref="HistoryOptions.Store"/>/<see cref="HistoryOptions.Connection"/>).</summary>
    public HistoryOptions History { get; init; } = new();

    /// <summary>Change-point settings (default: E-Divisive means, R = 499, p ≤ 0.01, ≥ 3 runs per segment, ≥ 5 % change).</summary>
    public TrendAnalyzer.Settings? ChangePoints { get; init; }

    /// <summary>The document to render (<c>json</c>, <c>md</c>: a registered writer's format); null renders none (console).</summary>
    public string? Format { get; init; }

    /// <summary>The writers (default <see cref="Reporting.Outputs.OutputRegistry.Default"/>).</summary>
    public Reporting.Outputs.OutputRegistry? Outputs { get; init; }
}
