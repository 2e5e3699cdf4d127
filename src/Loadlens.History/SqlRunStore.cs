using System.Data.Common;
using System.Globalization;
using System.IO.Compression;
using Loadlens.Analysis.Trends;
using Loadlens.Core;
using Loadlens.Core.Results;
using Loadlens.Core.Serialization;

namespace Loadlens.History;

/// <summary>
/// The one store implementation over a <see cref="SqlDialect"/>: the full result as Brotli-compressed result.json /
/// sweep.json (the same serializer as the files), plus indexed columns, a tags table and a per-endpoint metrics table so
/// lists and trends never decompress a document. Each save is one transaction.
/// </summary>
internal sealed class SqlRunStore : IRunStore
{
    private const string Encoding = "br+json";
    private readonly SqlDialect _dialect;
    private readonly TimeProvider _time;

    private SqlRunStore(SqlDialect dialect, TimeProvider time)
    {
        _dialect = dialect;
        _time = time;
    }

    public string Location => _dialect.Location;

    /// <summary>Open (create, migrate) the store of <paramref name="dialect"/>.</summary>
    public static async Task<SqlRunStore> OpenAsync(SqlDialect dialect, TimeProvider? time, CancellationToken cancellationToken)
    {
        try
        {
            await Schema.MigrateAsync(dialect, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is DbException or IOException or UnauthorizedAccessException or System.Net.Sockets.SocketException or TimeoutException or InvalidOperationException)
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw new HistoryStoreException($"cannot open the history store {dialect.Location}: {OneLine(ex.Message)}", ex) { IsUsageError = ex is Microsoft.Data.Sqlite.SqliteException { SqliteErrorCode: 26 } };
        }
        catch
        {
            await dialect.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new SqlRunStore(dialect, time ?? TimeProvider.System);
    }

    public Task<string> SaveAsync(RunResult run, SaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(run);
        var o = options ?? new SaveOptions();
        var kind = o.Kind ?? (string.Equals(run.Source.Format, "native", StringComparison.OrdinalIgnoreCase) ? StoredKind.Run : StoredKind.Import);
        if (kind == StoredKind.Sweep)
        {
            throw new ArgumentException("a run is saved as kind run or import", nameof(options));
        }

        var metrics = Metrics(run, 0).ToList();
        return SaveAsync(run.Name, run.StartedAt, kind, run.Source.Tool, run.Total.Requests, run.Total.Failures, RunResultJson.Serialize(run), metrics, o, cancellationToken);
    }

    public Task<string> SaveAsync(SweepResult sweep, SaveOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        var metrics = sweep.Steps.SelectMany((step, i) => Metrics(step.Result, i + 1)).ToList();
        var tool = sweep.Steps.Count > 0 ? sweep.Steps[0].Result.Source.Tool : sweep.Environment.ToolName;
        return SaveAsync(
            sweep.Name, sweep.StartedAt, StoredKind.Sweep, tool, sweep.Steps.Sum(s => s.Result.Total.Requests), sweep.Steps.Sum(s => s.Result.Total.Failures),
            SweepResultJson.Serialize(sweep), metrics, options ?? new SaveOptions(), cancellationToken);
    }

    private async Task<string> SaveAsync(
        string scenario, DateTimeOffset startedAt, StoredKind kind, string tool, long requests, long failures, string json, List<MetricRow> metrics, SaveOptions options, CancellationToken cancellationToken)
    {
        foreach (var (key, value) in options.Tags)
        {
            if (string.IsNullOrWhiteSpace(key) || value is null)
            {
                throw new InputFormatException($"tag '{key}={value}': a tag is key=value with a non-empty key");
            }
        }

        var document = Compress(json);
        var id = RunId.New(_time.GetUtcNow());
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        await using (var insert = Command(connection, transaction, """
            INSERT INTO runs (id, started_at, saved_at, scenario, kind, tool, git_commit, git_branch, requests, failures, document_encoding, document_length, document)
            VALUES (@id, @started, @saved, @scenario, @kind, @tool, @commit, @branch, @requests, @failures, @encoding, @length, @document)
            """))
        {
            Schema.Add(insert, "@id", id);
            Schema.Add(insert, "@started", startedAt.ToUnixTimeMilliseconds());
            Schema.Add(insert, "@saved", _time.GetUtcNow().ToUnixTimeMilliseconds());
            Schema.Add(insert, "@scenario", scenario);
            Schema.Add(insert, "@kind", KindName(kind));
            Schema.Add(insert, "@tool", tool);
            Schema.Add(insert, "@commit", options.Git.Commit);
            Schema.Add(insert, "@branch", options.Git.Branch);
            Schema.Add(insert, "@requests", requests);
            Schema.Add(insert, "@failures", failures);
            Schema.Add(insert, "@encoding", Encoding);
            Schema.Add(insert, "@length", (long)System.Text.Encoding.UTF8.GetByteCount(json));
            Schema.Add(insert, "@document", document);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        if (options.Tags.Count > 0)
        {
            await using var tag = Command(connection, transaction, "INSERT INTO run_tags (run_id, key, value) VALUES (@id, @key, @value)");
            Schema.Add(tag, "@id", id);
            Schema.Add(tag, "@key", null);
            Schema.Add(tag, "@value", null);
            foreach (var (key, value) in options.Tags)
            {
                tag.Parameters["@key"].Value = key;
                tag.Parameters["@value"].Value = value;
                await tag.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        if (metrics.Count > 0)
        {
            await using var metric = Command(connection, transaction, """
                INSERT INTO run_metrics (run_id, step, endpoint, method, requests, p50, p95, p99, mean, max, throughput, error_rate, unfinished)
                VALUES (@id, @step, @endpoint, @method, @requests, @p50, @p95, @p99, @mean, @max, @throughput, @error_rate, @unfinished)
                """);
            string[] names = ["@step", "@endpoint", "@method", "@requests", "@p50", "@p95", "@p99", "@mean", "@max", "@throughput", "@error_rate", "@unfinished"];
            Schema.Add(metric, "@id", id);
            foreach (var n in names)
            {
                Schema.Add(metric, n, null);
            }

            foreach (var m in metrics)
            {
                object?[] values = [m.Step, m.Endpoint, m.Method, m.Requests, m.P50, m.P95, m.P99, m.Mean, m.Max, m.Throughput, m.ErrorRate, m.Unfinished];
                for (var i = 0; i < names.Length; i++)
                {
                    metric.Parameters[names[i]].Value = values[i] ?? DBNull.Value;
                }

                await metric.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return id;
    }

    public async Task<StoredRun?> GetAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, $"SELECT {InfoColumns}, document_encoding, document FROM runs r WHERE id = @id");
        Schema.Add(command, "@id", id.ToLowerInvariant());
        StoredRunInfo info;
        string json;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            info = ReadInfo(reader);
            var encoding = reader.GetString(InfoColumnCount);
            if (encoding != Encoding)
            {
                throw new HistoryStoreException($"run {id} in {Location} is stored as '{encoding}', which this Loadlens cannot read") { IsUsageError = true };
            }

            json = Decompress((byte[])reader.GetValue(InfoColumnCount + 1));
        }

        info = info with { Tags = (await TagsAsync(connection, [info.Id], cancellationToken).ConfigureAwait(false)).GetValueOrDefault(info.Id) ?? new Dictionary<string, string>() };
        var source = $"history {Location} run {info.Id}";
        return info.Kind == StoredKind.Sweep
            ? new StoredRun(info, null, SweepResultJson.Deserialize(json, source))
            : new StoredRun(info, RunResultJson.Deserialize(json, source), null);
    }

    public async Task<IReadOnlyList<StoredRunInfo>> ListAsync(RunFilter? filter = null, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, string.Empty);
        var where = Where(command, filter, "r");
        command.CommandText = $"SELECT {InfoColumns} FROM runs r{where} ORDER BY r.started_at DESC, r.id DESC{Limit(command, filter?.Limit)}";
        var list = new List<StoredRunInfo>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(ReadInfo(reader));
            }
        }

        var tags = await TagsAsync(connection, [.. list.Select(i => i.Id)], cancellationToken).ConfigureAwait(false);
        return [.. list.Select(i => tags.TryGetValue(i.Id, out var t) ? i with { Tags = t } : i)];
    }

    public async Task<bool> RemoveAsync(string id, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await _dialect.BeginWriteAsync(connection, cancellationToken).ConfigureAwait(false);
        var removed = 0;
        foreach (var table in new[] { "run_tags", "run_metrics", "runs" })
        {
            await using var delete = Command(connection, transaction, $"DELETE FROM {table} WHERE {(table == "runs" ? "id" : "run_id")} = @id");
            Schema.Add(delete, "@id", id.ToLowerInvariant());
            removed = await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
        return removed > 0;
    }

    public async Task<IReadOnlyList<string>> EndpointsAsync(string scenario, CancellationToken cancellationToken = default)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        return await EndpointsAsync(connection, scenario, cancellationToken).ConfigureAwait(false);
    }

    public async Task<IReadOnlyList<TrendPoint>> TrendAsync(string scenario, string endpoint, TrendMetric metric, RunFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(endpoint);
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        var name = await EndpointNameAsync(connection, scenario, endpoint, cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, string.Empty);
        var where = Where(command, (filter ?? new RunFilter()) with { Scenario = scenario }, "r");
        Schema.Add(command, "@endpoint", name);
        command.CommandText = $"""
            SELECT r.id, r.started_at, r.git_commit, r.git_branch, m.{Column(metric)}
            FROM runs r JOIN run_metrics m ON m.run_id = r.id AND m.step = 0 AND m.endpoint = @endpoint
            {where} AND r.kind <> 'sweep' AND m.{Column(metric)} IS NOT NULL
            ORDER BY r.started_at DESC, r.id DESC{Limit(command, filter?.Limit)}
            """;
        var points = new List<TrendPoint>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                points.Add(new TrendPoint(
                    reader.GetString(0),
                    DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
                    reader.IsDBNull(2) ? null : reader.GetString(2),
                    reader.IsDBNull(3) ? null : reader.GetString(3),
                    reader.GetDouble(4)));
            }
        }

        points.Reverse();
        return points;
    }

    public async Task<StoredRunInfo> ResolveAsync(string reference, string? scenario = null, bool? sweeps = null, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reference);
        var text = reference.Trim();
        var filter = new RunFilter { Scenario = scenario, Sweeps = sweeps, Limit = 2 };
        string what;
        IReadOnlyList<StoredRunInfo> found;
        var inScenario = scenario is null ? string.Empty : $" of scenario '{scenario}'";
        if (text.Equals("@last", StringComparison.OrdinalIgnoreCase))
        {
            what = "no saved run" + inScenario;
            found = await ListAsync(filter with { Limit = 1 }, cancellationToken).ConfigureAwait(false);
        }
        else if (text.StartsWith("@last:", StringComparison.OrdinalIgnoreCase))
        {
            var branch = text["@last:".Length..];
            if (branch.Length == 0)
            {
                throw new InputFormatException($"reference '{reference}': name the branch, e.g. @last:main");
            }

            what = $"no saved run on branch '{branch}'{inScenario}";
            found = await ListAsync(filter with { Branch = branch, Limit = 1 }, cancellationToken).ConfigureAwait(false);
        }
        else if (text.StartsWith('@'))
        {
            var sha = text[1..].ToLowerInvariant();
            if (sha.Length is < 4 or > 64 || !sha.All(Uri.IsHexDigit))
            {
                throw new InputFormatException($"reference '{reference}' is not one of @last, @last:BRANCH, @COMMIT (≥ 4 hex digits) or a run id");
            }

            what = $"no saved run at commit {sha}{inScenario}";
            found = await ByPrefixAsync("git_commit", sha, filter, newestOnly: true, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            var id = text.ToLowerInvariant();
            if (!RunId.LooksLikeId(id))
            {
                throw new InputFormatException($"reference '{reference}' is not one of @last, @last:BRANCH, @COMMIT or a run id (≥ {RunId.MinPrefix} characters of it)");
            }

            what = $"no saved run with id {id}";
            found = await ByPrefixAsync("id", id, new RunFilter(), newestOnly: false, cancellationToken).ConfigureAwait(false);
            if (found.Count > 1)
            {
                throw new InputFormatException($"run id prefix '{id}' is ambiguous ({string.Join(", ", found.Select(f => f.Id))}, …): give more characters");
            }
        }

        return found.Count > 0 ? found[0] : throw new InputFormatException($"{what} in {Location}");
    }

    private async Task<IReadOnlyList<StoredRunInfo>> ByPrefixAsync(string column, string prefix, RunFilter filter, bool newestOnly, CancellationToken cancellationToken)
    {
        await using var connection = await _dialect.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(connection, null, string.Empty);
        var where = Where(command, filter with { Limit = null }, "r");
        Schema.Add(command, "@prefix", prefix);
        Schema.Add(command, "@length", prefix.Length);
        command.CommandText = $"SELECT {InfoColumns} FROM runs r{where} AND substr(r.{column}, 1, @length) = @prefix ORDER BY r.started_at DESC, r.id DESC LIMIT {(newestOnly ? 1 : 5)}";
        var list = new List<StoredRunInfo>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                list.Add(ReadInfo(reader));
            }
        }

        var tags = await TagsAsync(connection, [.. list.Select(i => i.Id)], cancellationToken).ConfigureAwait(false);
        return [.. list.Select(i => tags.TryGetValue(i.Id, out var t) ? i with { Tags = t } : i)];
    }

    public ValueTask DisposeAsync() => _dialect.DisposeAsync();

    private const string InfoColumns = "r.id, r.started_at, r.saved_at, r.scenario, r.kind, r.tool, r.git_commit, r.git_branch, r.requests, r.failures";
    private const int InfoColumnCount = 10;

    private static StoredRunInfo ReadInfo(DbDataReader reader) => new()
    {
        Id = reader.GetString(0),
        StartedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
        SavedAt = DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
        Scenario = reader.GetString(3),
        Kind = ParseKind(reader.GetString(4)),
        Tool = reader.GetString(5),
        Commit = reader.IsDBNull(6) ? null : reader.GetString(6),
        Branch = reader.IsDBNull(7) ? null : reader.GetString(7),
        Requests = reader.GetInt64(8),
        Failures = reader.GetInt64(9),
    };

    private static async Task<Dictionary<string, IReadOnlyDictionary<string, string>>> TagsAsync(DbConnection connection, IReadOnlyList<string> ids, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        foreach (var chunk in ids.Chunk(200))
        {
            await using var command = Command(connection, null, string.Empty);
            var names = new List<string>();
            for (var i = 0; i < chunk.Length; i++)
            {
                names.Add("@i" + i.ToString(CultureInfo.InvariantCulture));
                Schema.Add(command, names[^1], chunk[i]);
            }

            command.CommandText = $"SELECT run_id, key, value FROM run_tags WHERE run_id IN ({string.Join(", ", names)}) ORDER BY run_id, key";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetString(0);
                if (!result.TryGetValue(id, out var tags))
                {
                    result[id] = tags = new SortedDictionary<string, string>(StringComparer.Ordinal);
                }

                ((SortedDictionary<string, string>)tags)[reader.GetString(1)] = reader.GetString(2);
            }
        }

        return result;
    }

    private static async Task<IReadOnlyList<string>> EndpointsAsync(DbConnection connection, string scenario, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, null, """
            SELECT DISTINCT m.endpoint, m.method FROM run_metrics m JOIN runs r ON r.id = m.run_id
            WHERE r.scenario = @scenario AND m.step = 0 ORDER BY m.endpoint
            """);
        Schema.Add(command, "@scenario", scenario);
        var list = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    /// <summary>The stored endpoint name <paramref name="endpoint"/> means: exact, case-insensitive, or "METHOD name".</summary>
    private async Task<string> EndpointNameAsync(DbConnection connection, string scenario, string endpoint, CancellationToken cancellationToken)
    {
        // The usual case, an exact name, is one indexed probe; only other spellings list the scenario's endpoints.
        await using (var exact = Command(connection, null, """
            SELECT 1 FROM run_metrics m JOIN runs r ON r.id = m.run_id
            WHERE m.endpoint = @endpoint AND m.step = 0 AND r.scenario = @scenario AND r.kind <> 'sweep' LIMIT 1
            """))
        {
            Schema.Add(exact, "@endpoint", endpoint);
            Schema.Add(exact, "@scenario", scenario);
            if (await exact.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null and not DBNull)
            {
                return endpoint;
            }
        }

        var names = await EndpointsAsync(connection, scenario, cancellationToken).ConfigureAwait(false);
        if (names.Count == 0)
        {
            throw new InputFormatException($"no saved run of scenario '{scenario}' in {Location}");
        }

        var wanted = endpoint.Trim();
        var match = names.FirstOrDefault(n => n == wanted)
            ?? names.FirstOrDefault(n => string.Equals(n, wanted, StringComparison.OrdinalIgnoreCase));
        if (match is null && wanted.IndexOf(' ', StringComparison.Ordinal) is > 0 and var space)
        {
            var path = wanted[(space + 1)..].Trim();
            match = names.FirstOrDefault(n => string.Equals(n, path, StringComparison.OrdinalIgnoreCase));
        }

        return match ?? throw new InputFormatException($"scenario '{scenario}' has no endpoint '{endpoint}' (saved: {string.Join(", ", names)})");
    }

    private static string Where(DbCommand command, RunFilter? filter, string alias)
    {
        var clauses = new List<string> { "1 = 1" };
        if (filter?.Scenario is { } scenario)
        {
            clauses.Add($"{alias}.scenario = @scenario");
            Schema.Add(command, "@scenario", scenario);
        }

        if (filter?.Branch is { } branch)
        {
            clauses.Add($"{alias}.git_branch = @branch");
            Schema.Add(command, "@branch", branch);
        }

        if (filter?.Sweeps is { } sweeps)
        {
            clauses.Add(sweeps ? $"{alias}.kind = 'sweep'" : $"{alias}.kind <> 'sweep'");
        }

        if (filter?.Kind is { } kind)
        {
            clauses.Add($"{alias}.kind = @kind");
            Schema.Add(command, "@kind", KindName(kind));
        }

        var t = 0;
        foreach (var (key, value) in filter?.Tags ?? new Dictionary<string, string>())
        {
            var k = "@tk" + t.ToString(CultureInfo.InvariantCulture);
            var v = "@tv" + t.ToString(CultureInfo.InvariantCulture);
            clauses.Add($"EXISTS (SELECT 1 FROM run_tags t WHERE t.run_id = {alias}.id AND t.key = {k} AND t.value = {v})");
            Schema.Add(command, k, key);
            Schema.Add(command, v, value);
            t++;
        }

        return " WHERE " + string.Join(" AND ", clauses);
    }

    private static string Limit(DbCommand command, int? limit)
    {
        if (limit is not { } n)
        {
            return string.Empty;
        }

        Schema.Add(command, "@limit", Math.Max(0, n));
        return " LIMIT @limit";
    }

    private static DbCommand Command(DbConnection connection, DbTransaction? transaction, string sql)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        command.CommandTimeout = 120;
        return command;
    }

    private static string Column(TrendMetric metric) => metric switch
    {
        TrendMetric.P50 => "p50",
        TrendMetric.P95 => "p95",
        TrendMetric.P99 => "p99",
        TrendMetric.Mean => "mean",
        TrendMetric.Max => "max",
        TrendMetric.Throughput => "throughput",
        TrendMetric.ErrorRate => "error_rate",
        TrendMetric.Unfinished => "unfinished",
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    internal static string KindName(StoredKind kind) => kind switch
    {
        StoredKind.Run => "run",
        StoredKind.Sweep => "sweep",
        StoredKind.Import => "import",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    private static StoredKind ParseKind(string text) => text switch
    {
        "run" => StoredKind.Run,
        "sweep" => StoredKind.Sweep,
        "import" => StoredKind.Import,
        _ => throw new HistoryStoreException($"unknown stored kind '{text}'"),
    };

    private sealed record MetricRow(int Step, string Endpoint, string Method, long Requests, double? P50, double? P95, double? P99, double? Mean, double? Max, double Throughput, double ErrorRate, double Unfinished);

    private static IEnumerable<MetricRow> Metrics(RunResult run, int step)
    {
        foreach (var e in run.Endpoints.Append(run.Total))
        {
            var l = e.Latency;
            var has = l.Count > 0;
            yield return new MetricRow(
                step,
                e.IsAggregate ? EndpointResult.AggregatedName : e.Name,
                e.Method,
                e.Requests,
                has ? l.P50 : null,
                has ? l.P95 : null,
                has ? l.P99 : null,
                has ? l.Mean : null,
                has ? l.Max : null,
                run.RateOf(e),
                e.FailureRate,
                e.Requests == 0 ? 0 : (double)e.Unfinished / e.Requests);
        }
    }

    private static byte[] Compress(string json)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(json);
        using var output = new MemoryStream(bytes.Length / 4 + 64);
        using (var brotli = new BrotliStream(output, CompressionLevel.Fastest, leaveOpen: true))
        {
            brotli.Write(bytes);
        }

        return output.ToArray();
    }

    private static string Decompress(byte[] data)
    {
        using var input = new MemoryStream(data);
        using var brotli = new BrotliStream(input, CompressionMode.Decompress);
        using var reader = new StreamReader(brotli, System.Text.Encoding.UTF8);
        return reader.ReadToEnd();
    }

    private static string OneLine(string message) => string.Join(' ', message.Split(['\r', '\n'], StringSplitOptions.RemoveEmptyEntries)).TrimEnd('.');
}
