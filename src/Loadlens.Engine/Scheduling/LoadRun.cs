using System.Collections.Concurrent;
using System.Diagnostics;
using Loadlens.Core.Results;
using Loadlens.Core.Scenarios;
using Loadlens.Core.Statistics;
using Loadlens.Engine.Feeders;
using Loadlens.Engine.Http;
using Loadlens.Engine.Recording;

namespace Loadlens.Engine;

/// <summary>
/// One execution of a scenario: drives the closed or open model, runs the interval collector,
/// and assembles the <see cref="RunResult"/>. Two stop signals: <c>_stop</c> ends the issuing of
/// new requests (planned end, iterations done, user cancel); <c>_hardStop</c> abandons requests
/// still in flight after the graceful-stop window (they are not recorded).
/// </summary>
internal sealed class LoadRun : IDisposable
{
    private readonly ScenarioDefinition _scenario;
    private readonly LoadRunnerOptions _options;
    private readonly LoadProfile _load;
    private readonly CancellationTokenSource _stop = new();
    private readonly CancellationTokenSource _hardStop = new();
    private readonly TransportKind _transportKind;
    private readonly RequestTemplate[] _templates;
    private readonly double[] _cumulativeWeights;
    private readonly FeederSet _feeders;
    private readonly Random _seedSource;
    private RunRecorder? _recorder;
    private GeneratorMonitor? _monitor;
    private Transport.IRequestTransport? _executor;
    private long _start;
    private int _active;
    private long _remainingIterations = long.MaxValue;
    private volatile bool _userCancelled;
    private double _maxLagMs;
    private readonly TaskCompletionSource _drainStarted = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _drainStart;
    private long _drainEnd;

    public LoadRun(ScenarioDefinition scenario, LoadRunnerOptions options)
    {
        _scenario = scenario;
        _options = options;
        _load = scenario.Load;
        _feeders = new FeederSet(scenario.Feeders);
        _templates = scenario.Endpoints
            .Select((e, i) => new RequestTemplate(i, e, scenario, name => _feeders.IndexOf(name)))
            .ToArray();
        foreach (var template in _templates.Where(t => t.IsStatic))
        {
            try
            {
                template.Create([]).Dispose(); // fail fast on a request that can never be built
            }
            catch (Exception ex) when (ex is FormatException or UriFormatException or InvalidOperationException)
            {
                throw new ArgumentException($"endpoint '{template.Name}': the request cannot be built: {ex.Message}", ex);
            }
        }

        var total = scenario.Endpoints.Sum(e => e.Weight);
        double acc = 0;
        _cumulativeWeights = scenario.Endpoints.Select(e => acc += e.Weight / total).ToArray();
        _cumulativeWeights[^1] = 1.0;
        _seedSource = options.Seed is { } seed ? new Random(seed) : new Random();
        _transportKind = ChooseTransport(scenario, options.Transport);
    }

    public async Task<RunResult> ExecuteAsync(CancellationToken cancellationToken)
    {
        var endpoints = _scenario.Endpoints.Select(e => (e.Name, e.Method.ToUpperInvariant())).ToList();
        var startedAt = _options.TimeProvider.GetUtcNow();
        _start = Stopwatch.GetTimestamp();
        _recorder = new RunRecorder(endpoints, _start);
        _monitor = new GeneratorMonitor(_start);
        var trace = _options.TraceContext is { } tc ? new TraceContextWriter(tc.RunTag, _start) : null;
        _executor = _transportKind switch
        {
            TransportKind.Lean => new Transport.LeanHttp1Transport(_templates, _feeders, _recorder, _scenario.BaseUrl, _scenario.RequestTimeout, _options.AcceptAnyServerCertificate, _options.MaxResponseBodyBytes, _hardStop.Token, trace),
            TransportKind.Epoll => new Transport.EpollHttp1Transport(_templates, _feeders, _recorder, _scenario.BaseUrl, _scenario.RequestTimeout, _options.MaxResponseBodyBytes, _options.EventLoops ?? Transport.EpollHttp1Transport.DefaultLoops(MaxConnections()), _hardStop.Token, trace),
            _ => new RequestExecutor(_templates, _feeders, _recorder, _scenario.RequestTimeout, _options.AcceptAnyServerCertificate, _options.MaxResponseBodyBytes, _hardStop.Token, trace),
        };
        if (_load.Iterations is { } iterations)
        {
            _remainingIterations = iterations;
        }

        var planned = _load.TotalDuration;
        if (planned is { } p)
        {
            _stop.CancelAfter(p);
        }

        await using var userCancel = cancellationToken.Register(() =>
        {
            _userCancelled = true;
            _stop.Cancel();
        });

        var driver = _load.Model == LoadModel.Open ? Task.Run(RunOpenAsync, CancellationToken.None) : Task.Run(RunClosedAsync, CancellationToken.None);
        try
        {
            await CollectUntilDoneAsync(driver, planned).ConfigureAwait(false);
        }
        catch
        {
            // never dispose the handler or recorder under running users
            await _stop.CancelAsync().ConfigureAwait(false);
            await _hardStop.CancelAsync().ConfigureAwait(false);
            try
            {
                await driver.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }

            throw;
        }

        await driver.ConfigureAwait(false);

        var end = Stopwatch.GetTimestamp();
        var duration = Stopwatch.GetElapsedTime(_start, end).TotalSeconds;
        var effectiveWarmup = _recorder.WarmupEndSeconds;

        // The rates' window: after the warm-up, until sending stopped (the drain's completions count, not its time).
        var measured = Math.Max(0, (_drainStart > 0 ? Stopwatch.GetElapsedTime(_start, _drainStart).TotalSeconds : duration) - effectiveWarmup);
        var (results, total, errors) = _recorder.BuildTotals(measured);
        var arrivals = _load.Model == LoadModel.Open ? BuildArrivals(measured) : null;
        var generator = _monitor.Build(end, _recorder.AllRequests, _executor.Name, Transport.InlineSocketCompletions.IsActive(), arrivals);
        return new RunResult
        {
            Name = _options.RunName ?? _scenario.Name,
            Source = new RunSource("loadlens", "native"),
            Environment = RunEnvironment.Current(),
            StartedAt = startedAt,
            DurationSeconds = Math.Round(duration, 6),
            WarmupSeconds = Math.Round(effectiveWarmup, 6),
            DrainSeconds = Math.Round(Math.Max(0, duration - effectiveWarmup - measured), 6),
            Settings = BuildSettings(),
            Scenario = ScenarioRedaction.ForOutput(_scenario), // secrets never reach an output
            Outcome = _userCancelled
                ? new RunOutcome(false, "cancelled", $"interrupted after {duration:0.0} s; results cover the part that ran")
                : RunOutcome.Complete,
            Endpoints = results,
            Total = total,
            Intervals = [.. _recorder.Intervals],
            Errors = errors,
            Arrivals = arrivals,
            Generator = generator,
            Sla = _scenario.Sla,
        };
    }

    /// <summary>The transport this run uses (resolved from <see cref="LoadRunnerOptions.Transport"/>).</summary>
    public TransportKind TransportUsed => _transportKind;

    /// <summary>
    /// Resolve <see cref="TransportKind.Auto"/>: the epoll transport for the closed model over plain
    /// http:// HTTP/1.1 on Linux, lean for other HTTP/1.1 (https, the open model, other OSes),
    /// SocketsHttpHandler otherwise.
    /// </summary>
    internal static TransportKind ChooseTransport(ScenarioDefinition scenario, TransportKind requested)
    {
        var leanFits = Transport.LeanHttp1Transport.Supports(scenario.BaseUrl, scenario.HttpVersion);
        return requested switch
        {
            TransportKind.Sockets => TransportKind.Sockets,
            TransportKind.Epoll when !Transport.EpollHttp1Transport.Supports(scenario.BaseUrl, scenario.HttpVersion) => throw new ArgumentException(
                OperatingSystem.IsLinux()
                    ? $"the epoll transport speaks HTTP/1.1 over plain http:// only; this scenario uses HTTP/{scenario.HttpVersion} over {scenario.BaseUrl.Scheme}:// (use lean, sockets or auto)"
                    : "the epoll transport runs on Linux only (use lean, sockets or auto)"),
            TransportKind.Epoll => TransportKind.Epoll,
            TransportKind.Lean when !leanFits => throw new ArgumentException(
                $"the lean transport speaks HTTP/1.1 only; this scenario uses HTTP/{scenario.HttpVersion} (use the sockets transport or auto)"),
            TransportKind.Lean => TransportKind.Lean,
            _ when scenario.Load.Model == LoadModel.Closed && Transport.EpollHttp1Transport.Supports(scenario.BaseUrl, scenario.HttpVersion) => TransportKind.Epoll,
            _ => leanFits ? TransportKind.Lean : TransportKind.Sockets,
        };
    }

    /// <summary>Most connections the run can use at once: peak virtual users (closed), the in-flight cap (open).</summary>
    private int MaxConnections() => _load.Model == LoadModel.Open
        ? _load.MaxInFlight
        : Math.Max(_load.Users, _load.Stages.Count == 0 ? 1 : (int)Math.Ceiling(_load.Stages.Max(s => s.Target)));

    public void Dispose()
    {
        _executor?.Dispose();
        _recorder?.Dispose();
        _stop.Dispose();
        _hardStop.Dispose();
    }

    private async Task CollectUntilDoneAsync(Task driver, TimeSpan? planned)
    {
        var interval = _options.IntervalLength;
        var warmup = _load.WarmUp;
        var lastBoundary = TimeSpan.Zero;
        var draining = false;
        var k = 1;
        while (true)
        {
            var next = interval * k;
            if (warmup > lastBoundary && warmup < next)
            {
                next = warmup;
            }

            var remaining = next - Stopwatch.GetElapsedTime(_start);
            if (remaining > TimeSpan.Zero)
            {
                await Task.WhenAny(driver, Task.Delay(remaining), draining ? driver : _drainStarted.Task).ConfigureAwait(false);
            }

            if (driver.IsCompleted)
            {
                break;
            }

            if (!draining && _drainStarted.Task.IsCompleted)
            {
                // Sending stopped: close the measured window here; what completes from now on is the drain.
                Collect(planned, warmup: lastBoundary < warmup);
                draining = true;
                continue;
            }

            Collect(planned, warmup: next <= warmup, drain: draining);
            lastBoundary = next;
            if (next >= interval * k)
            {
                k++;
            }
        }

        Collect(planned, warmup: lastBoundary < warmup, drain: draining);
    }

    private void Collect(TimeSpan? planned, bool warmup, bool drain = false)
    {
        var now = Stopwatch.GetTimestamp();
        var active = Volatile.Read(ref _active);
        var interval = _recorder!.CollectInterval(now, active, warmup, drain);
        var cpu = _monitor!.Sample(now, warmup);
        if (_options.Progress is { } progress)
        {
            try
            {
                ReportProgress(progress, interval, now, active, planned, warmup, cpu);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                // A broken progress observer must not break the measurement.
                _ = ex;
            }
        }
    }

    private void ReportProgress(IProgress<LiveSnapshot> progress, Loadlens.Core.Results.TimeSeriesInterval interval, long now, int active, TimeSpan? planned, bool warmup, double cpu)
    {
        {
            var elapsed = Stopwatch.GetElapsedTime(_start, now).TotalSeconds;
            progress.Report(new LiveSnapshot
            {
                ElapsedSeconds = elapsed,
                PlannedSeconds = planned?.TotalSeconds,
                Warmup = warmup,
                RequestsPerSecond = RequestRates.PerSecond(interval.Total.Requests, interval.DurationSeconds),
                P50Ms = interval.Total.Latency.P50,
                P95Ms = interval.Total.Latency.P95,
                P99Ms = interval.Total.Latency.P99,
                IntervalFailures = interval.Total.Failures,
                TotalRequests = _recorder!.AllRequests,
                TotalFailures = _recorder.AllFailures,
                ActiveUsers = active,
                IterationsPlanned = _load.Iterations,
                Dropped = Volatile.Read(ref _recorder.Dropped),
                Late = Volatile.Read(ref _recorder.Late),
                GeneratorCpu = cpu,
            });
        }
    }

    private int PickEndpoint(Random random)
    {
        if (_cumulativeWeights.Length == 1)
        {
            return 0;
        }

        var x = random.NextDouble();
        for (var i = 0; i < _cumulativeWeights.Length; i++)
        {
            if (x < _cumulativeWeights[i])
            {
                return i;
            }
        }

        return _cumulativeWeights.Length - 1;
    }

    private UserContext NewUser(int id)
    {
        int seed;
        lock (_seedSource)
        {
            seed = _seedSource.Next();
        }

        return new UserContext(id, _templates.Length, _feeders.Count, new Random(seed), _hardStop.Token);
    }

    // ---------------- closed model ----------------
    private async Task RunClosedAsync()
    {
        var users = new List<(UserContext User, Task Task)>();
        var stop = _stop.Token;
        try
        {
            while (!stop.IsCancellationRequested)
            {
                var desired = (int)Math.Round(_load.LevelAt(Stopwatch.GetElapsedTime(_start)));
                var running = users.Count(u => !u.User.StopRequested);
                for (var i = running; i < desired; i++)
                {
                    var user = NewUser(users.Count);
                    users.Add((user, Task.Run(() => UserLoopAsync(user), CancellationToken.None)));
                }

                if (running > desired)
                {
                    // Ramp down: the most recently started users finish their current request and leave.
                    foreach (var (user, _) in users.Where(u => !u.User.StopRequested).Reverse().Take(running - desired))
                    {
                        user.StopRequested = true;
                    }
                }

                if (_load.Iterations is not null && Interlocked.Read(ref _remainingIterations) <= 0 && users.All(u => u.Task.IsCompleted))
                {
                    break; // every iteration handed out and finished
                }

                try
                {
                    await Task.Delay(50, stop).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            _stop.Cancel();
            await DrainAsync(users.Select(u => u.Task).ToArray()).ConfigureAwait(false);
            foreach (var (user, _) in users)
            {
                user.Dispose();
            }
        }
    }

    private async Task UserLoopAsync(UserContext user)
    {
        var stop = _stop.Token;
        var thinkMin = _load.ThinkTimeMin;
        var thinkSpan = _load.ThinkTimeMax - _load.ThinkTimeMin;
        Interlocked.Increment(ref _active);
        try
        {
            while (!stop.IsCancellationRequested && !user.StopRequested)
            {
                if (_load.Iterations is not null && Interlocked.Decrement(ref _remainingIterations) < 0)
                {
                    break;
                }

                var endpoint = PickEndpoint(user.Random);
                if (!await _executor!.ExecuteAsync(user, endpoint, Stopwatch.GetTimestamp()).ConfigureAwait(false))
                {
                    break;
                }

                if (thinkMin > TimeSpan.Zero || thinkSpan > TimeSpan.Zero)
                {
                    var think = thinkMin + (thinkSpan * user.Random.NextDouble());
                    try
                    {
                        await Task.Delay(think, stop).ConfigureAwait(false);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }
        }
        finally
        {
            Interlocked.Decrement(ref _active);
        }
    }

    // ---------------- open model ----------------
    private async Task RunOpenAsync()
    {
        var pool = new ConcurrentBag<UserContext>();
        var tasks = new ConcurrentDictionary<Task, byte>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        // The dispatcher is a dedicated thread that sleeps with nanosleep (sub-millisecond precision,
        // see PreciseSleep) rather than Task.Delay, whose timer queue runs on a coarse clock (up to
        // 4 ms early or late on Linux). It never sends before the intended time.
        var thread = new Thread(() =>
        {
            try
            {
                Dispatch(pool, tasks);
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "loadlens-dispatcher",
        };
        thread.Start();
        try
        {
            await done.Task.ConfigureAwait(false);
        }
        finally
        {
            _stop.Cancel();
            await DrainAsync(tasks.Keys.ToArray()).ConfigureAwait(false);
            while (pool.TryTake(out var slot))
            {
                slot.Dispose();
            }
        }
    }

    private void Dispatch(ConcurrentBag<UserContext> pool, ConcurrentDictionary<Task, byte> tasks)
    {
        var schedule = new Scheduling.ArrivalSchedule(_load);
        var stop = _stop.Token;
        var frequency = (double)Stopwatch.Frequency;
        var lateTicks = (long)(_options.LateThreshold.TotalSeconds * frequency);
        var maxInFlight = _load.MaxInFlight;
        var recorder = _recorder!;
        long k = 0;
        var slotIds = 0;
        while (!stop.IsCancellationRequested)
        {
            var due = schedule.TimeOf(k);
            if (due >= schedule.TotalSeconds || double.IsInfinity(due))
            {
                // No more arrivals (e.g. a ramp down to 0): the run still lasts as planned.
                var left = schedule.TotalSeconds - Stopwatch.GetElapsedTime(_start).TotalSeconds;
                if (left > 0)
                {
                    stop.WaitHandle.WaitOne(TimeSpan.FromSeconds(left));
                }

                break;
            }

            var dueTimestamp = _start + (long)(due * frequency);
            var now = Stopwatch.GetTimestamp();
            while (now < dueTimestamp && !stop.IsCancellationRequested)
            {
                var wait = (dueTimestamp - now) / frequency;
                Scheduling.PreciseSleep.Sleep(Math.Min(wait, 0.05));
                now = Stopwatch.GetTimestamp();
            }

            if (stop.IsCancellationRequested)
            {
                break;
            }

            Volatile.Write(ref recorder.Intended, recorder.Intended + 1);
            var lag = now - dueTimestamp;
            if (lag > lateTicks)
            {
                Volatile.Write(ref recorder.Late, recorder.Late + 1);
            }

            var lagMs = lag / frequency * 1000;
            if (lagMs > _maxLagMs)
            {
                _maxLagMs = lagMs;
            }

            if (Volatile.Read(ref _active) >= maxInFlight)
            {
                Volatile.Write(ref recorder.Dropped, recorder.Dropped + 1);
            }
            else
            {
                if (!pool.TryTake(out var slot))
                {
                    slot = NewUser(slotIds++);
                }

                Interlocked.Increment(ref _active);
                var task = FireAsync(slot, dueTimestamp, pool);
                if (!task.IsCompleted)
                {
                    tasks.TryAdd(task, 0);
                    _ = task.ContinueWith(t => tasks.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                }
            }

            k++;
        }
    }

    private async Task FireAsync(UserContext slot, long dueTimestamp, ConcurrentBag<UserContext> pool)
    {
        try
        {
            await Task.Yield(); // leave the dispatcher thread at once

            await _executor!.ExecuteAsync(slot, PickEndpoint(slot.Random), dueTimestamp).ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _active);
            pool.Add(slot);
        }
    }

    private async Task DrainAsync(Task[] tasks)
    {
        _drainStart = Stopwatch.GetTimestamp();
        _drainStarted.TrySetResult();
        var all = Task.WhenAll(tasks);
        var grace = _userCancelled ? TimeSpan.FromTicks(Math.Min(_options.GracefulStop.Ticks, TimeSpan.FromSeconds(2).Ticks)) : _options.GracefulStop;
        if (await Task.WhenAny(all, Task.Delay(grace)).ConfigureAwait(false) != all)
        {
            await _hardStop.CancelAsync().ConfigureAwait(false);
        }

        try
        {
            await all.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // the hard stop ended them; the transports recorded each as unfinished
        }

        _drainEnd = Stopwatch.GetTimestamp();
    }

    private RunSettings BuildSettings() => new()
    {
        Model = _load.Model == LoadModel.Open ? "open" : "closed",
        Target = ScenarioRedaction.Target(_scenario.BaseUrl),
        Users = _load.Model == LoadModel.Closed ? (int)Math.Round(_load.PeakLevel) : _load.MaxInFlight,
        Rate = _load.Model == LoadModel.Open ? _load.PeakLevel : null,
        Stages = _load.Stages.Select(s => new StageSetting(s.Duration.TotalSeconds, s.Target)).ToList(),
        PlannedDurationSeconds = _load.TotalDuration?.TotalSeconds,
        Iterations = _load.Iterations,
        ThinkTimeMinMs = _load.ThinkTimeMin.TotalMilliseconds,
        ThinkTimeMaxMs = _load.ThinkTimeMax.TotalMilliseconds,
        TimeoutSeconds = _scenario.RequestTimeout.TotalSeconds,
        HttpVersion = _scenario.HttpVersion,
        IntervalSeconds = _options.IntervalLength.TotalSeconds,
    };

    private ArrivalAccounting BuildArrivals(double measured)
    {
        var recorder = _recorder!;
        var measuredIntervals = recorder.Intervals.Where(i => !i.Warmup).ToList();
        var intendedMeasured = measuredIntervals.Sum(i => i.IntendedRequests);
        var sentMeasured = intendedMeasured - measuredIntervals.Sum(i => i.DroppedRequests);

        // Arrivals are only sent inside the planned window; the drain after it must not dilute the rate.
        var window = _load.TotalDuration is { } planned ? Math.Min(measured, planned.TotalSeconds - recorder.WarmupEndSeconds) : measured;
        return new ArrivalAccounting
        {
            Intended = recorder.Intended,
            Sent = recorder.Intended - recorder.Dropped,
            Late = recorder.Late,
            Dropped = recorder.Dropped,
            IntendedRate = window > 0 ? Math.Round(intendedMeasured / window, 6) : 0,
            AchievedRate = window > 0 ? Math.Round(sentMeasured / window, 6) : 0,
            MaxSendLagMs = Math.Round(_maxLagMs, 3),
            LateThresholdMs = _options.LateThreshold.TotalMilliseconds,
        };
    }
}
