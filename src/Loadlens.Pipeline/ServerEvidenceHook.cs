using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Loadlens.Core.Results;
using Loadlens.Engine;
using Loadlens.Evidence.Otlp;
using Loadlens.Evidence.Plans;

namespace Loadlens.Pipeline;

/// <summary>
/// Server-side evidence from any instrumented stack (<c>--otlp</c>): before each run (and each sweep step) it starts an
/// OTLP/HTTP trace receiver and turns on W3C trace context with a fresh run tag, so every request carries a sampled
/// <c>traceparent</c>; after the run it waits for the app's exporter to deliver the last spans (until every completed
/// request has a trace, or <see cref="LateSpanWait"/>), joins them to the run's requests and attaches a
/// <see cref="ServerEvidence"/> section (docs/server-evidence.md).
/// </summary>
public sealed class ServerEvidenceHook : IRunHook
{
    private readonly IPEndPoint _endPoint;
    private readonly bool _allowRemote;
    private readonly Func<string, string> _normalize;
    private OtlpReceiver? _receiver;
    private TraceJoiner? _joiner;
    private uint _tag;
    private DatabaseTarget? _database;

    /// <summary>A hook receiving on <paramref name="endPoint"/> (127.0.0.1:4318 by convention).</summary>
    /// <param name="endPoint">Where the receiver listens (port 0 picks a free one).</param>
    /// <param name="allowRemote">Listen on a non-loopback address.</param>
    public ServerEvidenceHook(IPEndPoint endPoint, bool allowRemote = false)
    {
        ArgumentNullException.ThrowIfNull(endPoint);
        _endPoint = endPoint;
        _allowRemote = allowRemote;
        _normalize = static sql => Core.Sql.SqlNormalizer.Normalize(sql).Text;
    }

    /// <summary>The longest wait after a run for spans still in the app's exporter (batch exporters send every 5 s by default).</summary>
    public TimeSpan LateSpanWait { get; init; } = TimeSpan.FromSeconds(6);

    /// <summary>
    /// Send a W3C <c>traceparent</c> on every request (the default). Off, the receiver still collects spans, but none can
    /// be joined to a request: they are counted as other traffic.
    /// </summary>
    public bool TraceContext { get; init; } = true;

    /// <summary>
    /// The app's database (<c>--db</c>: a SQLite file path or <c>postgres://…</c>), read-only: after each run the top
    /// statements are planned by the database's own planner and missing indexes advised. Null: no plans.
    /// </summary>
    public string? Database { get; init; }

    /// <summary>Where the receiver listens while a run is going (null between runs).</summary>
    public IPEndPoint? Listening => _receiver?.EndPoint;

    /// <inheritdoc/>
    public async ValueTask<RunSetup> BeforeRunAsync(RunSetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(setup);
        await StopAsync().ConfigureAwait(false);
        if (Database is { } db && _database is null)
        {
            try
            {
                var target = DatabaseTarget.Parse(db, Environment.CurrentDirectory);
                await DatabaseEvidenceBuilder.ProbeAsync(target, cancellationToken).ConfigureAwait(false);
                _database = target;
            }
            catch (Exception ex) when (ex is ArgumentException or QueryPlanException)
            {
                throw new RunHookException(ex.Message.StartsWith("--db", StringComparison.Ordinal) ? ex.Message : $"--db: {ex.Message}", ex);
            }
        }

        _tag = (uint)RandomNumberGenerator.GetInt32(1, int.MaxValue); // never 0: a fresh run tag per run

        var joiner = new TraceJoiner(_tag, _normalize);
        _joiner = joiner;
        try
        {
            _receiver = await OtlpReceiver.StartAsync(_endPoint, joiner.Add, _allowRemote, cancellationToken).ConfigureAwait(false);
        }
        catch (InvalidOperationException ex)
        {
            throw new RunHookException($"--otlp: {ex.Message}", ex);
        }
        catch (ArgumentException ex)
        {
            throw new RunHookException($"--otlp: {ex.Message}", ex);
        }

        return TraceContext ? setup with { Options = setup.Options with { TraceContext = new TraceContextOptions(_tag) } } : setup;
    }

    /// <inheritdoc/>
    public async ValueTask<RunResult> AfterRunAsync(RunSetup setup, RunResult result, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (_receiver is not { } receiver || _joiner is not { } joiner)
        {
            return result;
        }

        // Exporters batch: wait until every completed request has a trace, or the wait runs out.
        var expected = result.Total.Requests - result.Total.Unfinished + result.Intervals.Where(i => i.Warmup).Sum(i => i.Total.Requests);
        var waited = Stopwatch.StartNew();
        while (waited.Elapsed < LateSpanWait && !cancellationToken.IsCancellationRequested && joiner.ServerSpans < expected)
        {
            await Task.Delay(100, CancellationToken.None).ConfigureAwait(false);
        }

        var evidence = joiner.Build(result, receiver.Rejected);
        await StopAsync().ConfigureAwait(false);
        if (_database is { } database && evidence.Statements.Count > 0)
        {
            evidence = evidence with { Database = await DatabaseEvidenceBuilder.BuildAsync(database, evidence.Statements, null, cancellationToken).ConfigureAwait(false) };
        }

        return result.WithSection(ServerEvidence.SectionName, evidence);
    }

    /// <inheritdoc/>
    public ValueTask RunAbandonedAsync(RunSetup setup, Exception error) => StopAsync();

    private async ValueTask StopAsync()
    {
        if (_receiver is { } receiver)
        {
            _receiver = null;
            await receiver.DisposeAsync().ConfigureAwait(false);
        }
    }
}
