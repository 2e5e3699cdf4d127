using Loadlens.Analysis.Trends;
using Loadlens.Core.Results;

namespace Loadlens.History;

/// <summary>
/// A run history: saved runs and sweeps with their tags, listed, loaded, removed, followed as trends and found by
/// reference (<c>@last</c>, <c>@last:BRANCH</c>, a run id or id prefix, <c>@&lt;git-sha prefix&gt;</c>). Two implementations
/// share one schema (<see cref="HistoryStore.OpenAsync"/>): SQLite (default, <c>.loadlens/history.db</c>) and PostgreSQL.
/// Every save is one transaction: a run is either fully stored or absent.
/// </summary>
public interface IRunStore : IAsyncDisposable
{
    /// <summary>Where the store is, for messages (a file path, or a PostgreSQL URL without its password).</summary>
    string Location { get; }

    /// <summary>Save a run (native or imported); returns its new id.</summary>
    Task<string> SaveAsync(RunResult run, SaveOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>Save a sweep; returns its new id.</summary>
    Task<string> SaveAsync(SweepResult sweep, SaveOptions? options = null, CancellationToken cancellationToken = default);

    /// <summary>The stored run or sweep with id <paramref name="id"/> (an exact id), or null.</summary>
    Task<StoredRun?> GetAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>The saved runs matching <paramref name="filter"/>, newest first.</summary>
    Task<IReadOnlyList<StoredRunInfo>> ListAsync(RunFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>Remove the run with id <paramref name="id"/>; false when there was none.</summary>
    Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default);

    /// <summary>
    /// One value of <paramref name="metric"/> per saved run (kind run or import) of <paramref name="scenario"/> for
    /// <paramref name="endpoint"/> (an endpoint name, <c>METHOD name</c>, or <c>Aggregated</c>), oldest first; read from
    /// the per-endpoint metrics table, no run is decompressed.
    /// </summary>
    Task<IReadOnlyList<TrendPoint>> TrendAsync(string scenario, string endpoint, TrendMetric metric, RunFilter? filter = null, CancellationToken cancellationToken = default);

    /// <summary>The endpoint names saved for <paramref name="scenario"/> (for messages and defaults).</summary>
    Task<IReadOnlyList<string>> EndpointsAsync(string scenario, CancellationToken cancellationToken = default);

    /// <summary>
    /// The run <paramref name="reference"/> names: <c>@last</c> (newest), <c>@last:BRANCH</c> (newest on that branch),
    /// <c>@SHA</c> (newest at a commit starting with SHA, ≥ 4 hex digits), or a run id / unique id prefix (≥ 6 characters).
    /// When <paramref name="scenario"/> is given, <c>@…</c> references only consider runs of that scenario; <paramref name="sweeps"/>
    /// true only sweeps, false only runs and imports (null: both).
    /// </summary>
    /// <exception cref="Core.InputFormatException">The reference is malformed, matches nothing, or is ambiguous.</exception>
    Task<StoredRunInfo> ResolveAsync(string reference, string? scenario = null, bool? sweeps = null, CancellationToken cancellationToken = default);
}

/// <summary>What kind of result a stored entry is.</summary>
public enum StoredKind
{
    /// <summary>A native Loadlens run.</summary>
    Run,

    /// <summary>A sweep (its steps are stored inside it).</summary>
    Sweep,

    /// <summary>A run imported from another tool's files (Locust, k6, JMeter, hlog, a result.json).</summary>
    Import,
}

/// <summary>How to save.</summary>
public sealed record SaveOptions
{
    /// <summary>Run or import (sweeps are always <see cref="StoredKind.Sweep"/>); null: import when the run's source is not native.</summary>
    public StoredKind? Kind { get; init; }

    /// <summary>Commit and branch (default: none; <see cref="GitInfo.Detect"/> finds them).</summary>
    public GitInfo Git { get; init; } = GitInfo.None;

    /// <summary>Free tags (<c>--tag key=value</c>).</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>The indexed facts of a stored run (no document).</summary>
public sealed record StoredRunInfo
{
    /// <summary>The run id.</summary>
    public required string Id { get; init; }

    /// <summary>When the run started.</summary>
    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>When it was saved.</summary>
    public required DateTimeOffset SavedAt { get; init; }

    /// <summary>Scenario (run) name.</summary>
    public required string Scenario { get; init; }

    /// <summary>Run, sweep or import.</summary>
    public required StoredKind Kind { get; init; }

    /// <summary>The tool that measured it (loadlens, locust, k6, …).</summary>
    public required string Tool { get; init; }

    /// <summary>Git commit, when known.</summary>
    public string? Commit { get; init; }

    /// <summary>Git branch, when known.</summary>
    public string? Branch { get; init; }

    /// <summary>Requests measured (all steps of a sweep).</summary>
    public long Requests { get; init; }

    /// <summary>Failed requests (all steps of a sweep).</summary>
    public long Failures { get; init; }

    /// <summary>Free tags.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();
}

/// <summary>A stored run or sweep, loaded.</summary>
/// <param name="Info">Its indexed facts.</param>
/// <param name="Run">The run (kinds run and import).</param>
/// <param name="Sweep">The sweep (kind sweep).</param>
public sealed record StoredRun(StoredRunInfo Info, RunResult? Run, SweepResult? Sweep);

/// <summary>Which runs to list or follow.</summary>
public sealed record RunFilter
{
    /// <summary>Only this scenario.</summary>
    public string? Scenario { get; init; }

    /// <summary>Only this branch.</summary>
    public string? Branch { get; init; }

    /// <summary>Only this kind.</summary>
    public StoredKind? Kind { get; init; }

    /// <summary>True: only sweeps; false: only runs and imports; null: both.</summary>
    public bool? Sweeps { get; init; }

    /// <summary>Only runs carrying all of these tags.</summary>
    public IReadOnlyDictionary<string, string> Tags { get; init; } = new Dictionary<string, string>();

    /// <summary>At most this many (newest first for lists; the newest ones, oldest first, for trends).</summary>
    public int? Limit { get; init; }
}

/// <summary>The store cannot be used: a newer schema, an unreachable server, a bad connection string. Its message is one line.</summary>
public sealed class HistoryStoreException : Exception
{
    /// <summary>Create with a message.</summary>
    public HistoryStoreException(string message)
        : base(message)
    {
    }

    /// <summary>Create with a message and the cause.</summary>
    public HistoryStoreException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Required by analyzers.</summary>
    public HistoryStoreException()
        : base("the history store cannot be used")
    {
    }

    /// <summary>True when the store is fine but this Loadlens cannot use it (a newer schema): bad input, exit 2.</summary>
    public bool IsUsageError { get; init; }
}
