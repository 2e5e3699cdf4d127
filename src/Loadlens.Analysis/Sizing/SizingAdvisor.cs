using System.Globalization;
using System.Text;
using Loadlens.Analysis.Capacity;
using Loadlens.Core.Results;

namespace Loadlens.Analysis.Sizing;

/// <summary>
/// Sizing from measurements (<c>--target-rate</c>): "what does it take to serve this rate within the SLA?" answered
/// from a sweep and its <see cref="CapacityReport"/>, the steps' <see cref="ServerEvidence"/> (server span, database
/// time, pool waits) and <see cref="ProcessWatch"/> (CPU per request, CPU at the knee). One headroom rule everywhere:
/// every resource is planned at most <c>1 − headroom</c> busy at the target rate. docs/sizing.md has the formulas.
/// </summary>
public static class SizingAdvisor
{
    /// <summary>The default share of every resource kept free at the target rate.</summary>
    public const double DefaultHeadroom = 0.2;

    /// <summary>CPU per request at or above this share of the service time counts as CPU-bound.</summary>
    public const double CpuBoundShare = 0.7;

    /// <summary>CPU per request at or below this share of the service time counts as waiting.</summary>
    public const double WaitingShare = 0.3;

    /// <summary>Below this CPU utilisation at the knee, CPU is a poor autoscaling signal (percent).</summary>
    public const double WeakCpuSignalPercent = 25;

    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    /// <summary>Size a deployment for <paramref name="targetRate"/> req/s from <paramref name="sweep"/> and its <paramref name="capacity"/> analysis.</summary>
    /// <param name="sweep">The sweep (its steps may carry server evidence and process samples).</param>
    /// <param name="capacity">Its capacity analysis (<see cref="CapacityAnalyzer.Analyze"/>).</param>
    /// <param name="targetRate">The rate to serve, req/s (&gt; 0).</param>
    /// <param name="headroom">Share of every resource kept free (0 ≤ headroom &lt; 1).</param>
    public static SizingAdvice Advise(SweepResult sweep, CapacityReport capacity, double targetRate, double headroom = DefaultHeadroom)
    {
        ArgumentNullException.ThrowIfNull(sweep);
        ArgumentNullException.ThrowIfNull(capacity);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetRate);
        if (!double.IsFinite(targetRate))
        {
            throw new ArgumentOutOfRangeException(nameof(targetRate), "the target rate must be finite");
        }

        if (headroom is < 0 or >= 1 || double.IsNaN(headroom))
        {
            throw new ArgumentOutOfRangeException(nameof(headroom), "headroom is a share in [0, 1)");
        }

        var m = Measurements.From(sweep, capacity);
        var workers = Workers(m, targetRate, headroom);
        var replicas = Replicas(m, targetRate, headroom);
        return new SizingAdvice
        {
            TargetRate = targetRate,
            Headroom = headroom,
            Criteria = capacity.Capacity.Criteria,
            Workers = workers,
            Pool = Pool(m, targetRate, headroom, workers.Processes),
            Replicas = replicas,
            Autoscale = Autoscale(m, sweep, headroom, replicas),
        };
    }

    private static WorkerSizing Workers(Measurements m, double rate, double headroom)
    {
        if (m.ServiceTime is not { } service)
        {
            return new WorkerSizing { ThinData = "no step completed a request, so there is no service time to size from" };
        }

        var inputs = new List<SizingInput> { Input("target rate", rate, "req/s", "--target-rate"), service };
        var arithmetic = new List<string>();
        var assumptions = new List<string>
        {
            "Little's law: requests in service = arrival rate × service time; the service time stays what it was at low load (no new contention at the target rate)",
        };
        var s = service.Value;
        var concurrency = rate * s / 1000;
        arithmetic.Add(F($"requests in service L = {N(rate)} req/s × {N(s)} ms = {N(concurrency)}"));

        var cap = 1 - headroom;
        var utilisation = cap;
        double? parallelism = null;
        if (m.Parallelism is { } c && m.SlaThroughput is { } xs && m.SlaBroke)
        {
            parallelism = c;
            var atSla = xs * s / 1000 / c;
            inputs.Add(Input("instance parallelism", c, "requests at a time", m.ParallelismSource!));
            inputs.Add(Input("capacity at SLA", xs, "req/s", "highest step within the SLA"));
            arithmetic.Add(F($"busy share per slot at capacity at SLA = {N(xs)} req/s × {N(s)} ms / {N(c)} = {P(atSla)}"));
            if (atSla < cap)
            {
                utilisation = atSla;
                assumptions.Add(F($"each slot is planned as busy as it was when the SLA still held ({P(atSla)}), below the {P(cap)} headroom cap"));
            }
            else
            {
                assumptions.Add(F($"each slot is planned at most {P(cap)} busy ({N(headroom * 100)} % headroom); the SLA held up to {P(Math.Min(1, atSla))}"));
            }
        }
        else
        {
            assumptions.Add(F($"each slot is planned at most {P(cap)} busy ({N(headroom * 100)} % headroom): the sweep did not show at which utilisation the SLA breaks (it needs a step past capacity at SLA)"));
        }

        var slots = Math.Max(1, (int)Math.Ceiling((concurrency / utilisation) - 1e-9));
        arithmetic.Add(F($"concurrent slots = ⌈{N(concurrency)} / {P(utilisation)}⌉ = {slots}"));

        var kind = WorkKind.Unknown;
        int processes;
        var threads = 1;
        double? cores = null;
        string advice;
        if (m.CpuMsPerRequest is { } cpu)
        {
            inputs.Add(cpu);
            var share = cpu.Value / s;
            kind = share >= CpuBoundShare ? WorkKind.CpuBound : share <= WaitingShare ? WorkKind.Waiting : WorkKind.Mixed;
            cores = rate * cpu.Value / 1000 / cap;
            arithmetic.Add(F($"CPU share of the service time = {N(cpu.Value)} ms / {N(s)} ms = {P(share)} → {KindText(kind)}"));
            arithmetic.Add(F($"cores busy = {N(rate)} req/s × {N(cpu.Value)} ms / {P(cap)} = {N(cores.Value)}"));
            if (kind == WorkKind.CpuBound)
            {
                processes = slots;
                advice = F($"{slots} worker processes, 1 thread each: the work is CPU-bound ({P(share)} of the service time on the CPU), so the concurrency has to come from processes, not threads (one interpreter runs one request's code at a time, e.g. Python's GIL); they keep ⌈{N(cores.Value)}⌉ = {(int)Math.Ceiling(cores.Value - 1e-9)} cores busy");
                assumptions.Add("CPU-bound work scales with processes (one per core), not threads");
            }
            else
            {
                processes = Math.Max(1, (int)Math.Ceiling(cores.Value - 1e-9));
                threads = Math.Max(1, (int)Math.Ceiling(((double)slots / processes) - 1e-9));
                arithmetic.Add(F($"processes = max(1, ⌈{N(cores.Value)} cores⌉) = {processes}; threads per process = ⌈{slots} / {processes}⌉ = {threads}"));
                advice = F($"{processes} worker process{(processes == 1 ? string.Empty : "es")} × {threads} threads ({slots} concurrent requests): the work is {(kind == WorkKind.Waiting ? "mostly waiting" : "partly waiting")} ({P(share)} of the service time on the CPU), so threads (or an async worker) overlap the waits and processes are only needed for the {N(cores.Value)} cores of CPU");
                assumptions.Add("waiting work (database, I/O, sleeps) releases the CPU and the interpreter lock, so threads in one process overlap it");
            }

            if (m.Cores is { } machine && cores > machine)
            {
                assumptions.Add(F($"the sweep's machine had {N(machine)} cores, fewer than the {N(cores.Value)} needed: spread the load over replicas (below)"));
            }
        }
        else
        {
            processes = slots;
            advice = F($"{slots} concurrent workers: CPU per request was not measured (add --target-pid PID to the sweep), so they are counted as processes, which holds for CPU-bound work; for waiting work, threads in fewer processes would do");
            assumptions.Add("CPU per request was not measured: it cannot be told whether the work is CPU-bound or waiting");
        }

        if (parallelism is { } measured)
        {
            arithmetic.Add(F($"the measured instance served {N(measured)} concurrent request{(Math.Abs(measured - 1) < 0.05 ? string.Empty : "s")} at a time"));
        }

        return new WorkerSizing
        {
            Advice = advice,
            Inputs = inputs,
            Arithmetic = arithmetic,
            Assumptions = assumptions,
            ServiceTimeMs = s,
            CpuMsPerRequest = m.CpuMsPerRequest?.Value,
            Kind = kind,
            Concurrency = concurrency,
            Utilisation = utilisation,
            Slots = slots,
            Processes = processes,
            ThreadsPerProcess = threads,
            CoresNeeded = cores,
            MeasuredParallelism = parallelism,
        };
    }

    private static PoolSizing Pool(Measurements m, double rate, double headroom, int? processes)
    {
        if (!m.HasServerEvidence)
        {
            return new PoolSizing { ThinData = "no server evidence, so the database time per request was not measured (run the sweep with --otlp and a traced app, or the Loadlens.AspNetCore profiler)" };
        }

        if (m.DbTime is not { } db || db.Value <= 0)
        {
            return new PoolSizing { ThinData = "the server's traces held no database spans, so either no database is used or its calls are not traced" };
        }

        var cap = 1 - headroom;
        var busy = rate * db.Value / 1000;
        var size = Math.Max(1, (int)Math.Ceiling((busy / cap) - 1e-9));
        var inputs = new List<SizingInput> { Input("target rate", rate, "req/s", "--target-rate"), db };
        var arithmetic = new List<string>
        {
            F($"connections busy = {N(rate)} req/s × {N(db.Value)} ms = {N(busy)}"),
            F($"pool = ⌈{N(busy)} / {P(cap)}⌉ = {size}"),
        };
        var assumptions = new List<string>
        {
            F($"a request holds a connection only while its statements run (the database time), and the pool is planned at most {P(cap)} busy"),
            "the database itself keeps its per-statement time at the target rate",
        };
        int? perProcess = null;
        if (processes is > 1 and var p)
        {
            perProcess = Math.Max(1, (int)Math.Ceiling(((double)size / p) - 1e-9));
            arithmetic.Add(F($"per process (each has its own pool) = ⌈{size} / {p}⌉ = {perProcess}"));
        }

        string advice;
        if (m.PoolWait is { } wait && wait.Value > 0.05 && m.PoolWaitLevel is { } level)
        {
            inputs.Add(wait);
            var waiting = m.PoolWaitThroughput * wait.Value / 1000;
            arithmetic.Add(F($"measured: {N(wait.Value)} ms per request waiting for a connection at {N(level)} {m.LevelUnit} → {N(waiting)} requests waiting on average (Little's law)"));
            advice = F($"a pool of {size} connections{PerProcessText(perProcess)}; the sweep's pool was too small: requests waited {N(wait.Value)} ms each for a connection at {N(level)} {m.LevelUnit}");
        }
        else
        {
            advice = F($"a pool of {size} connections{PerProcessText(perProcess)}; no step measured a wait for a connection");
        }

        return new PoolSizing
        {
            Advice = advice,
            Inputs = inputs,
            Arithmetic = arithmetic,
            Assumptions = assumptions,
            DbTimeMs = db.Value,
            BusyConnections = busy,
            Size = size,
            PerProcess = perProcess,
            MaxPoolWaitMs = m.PoolWait?.Value,
            PoolWaitLevel = m.PoolWaitLevel,
        };
    }

    private static ReplicaSizing Replicas(Measurements m, double rate, double headroom)
    {
        if (m.SlaThroughput is not { } xs || xs <= 0)
        {
            return new ReplicaSizing { ThinData = m.StepCount == 0 ? "no step was measured, so there is no capacity per instance" : "no step met the SLA, so the capacity of one instance within it is unknown (sweep lower levels)" };
        }

        var cap = 1 - headroom;
        var count = Math.Max(1, (int)Math.Ceiling((rate / (xs * cap)) - 1e-9));
        var assumptions = new List<string>
        {
            "instances are the instance the sweep measured (same workers, same machine) and scale linearly: a shared database or cache does not become the limit",
            F($"each instance is planned at most {P(cap)} of its capacity at SLA ({N(headroom * 100)} % headroom)"),
        };
        if (!m.SlaBroke)
        {
            assumptions.Add(F($"every measured level met the SLA, so {N(xs)} req/s is a lower bound of the capacity and {count} an upper bound of the instances"));
        }

        if (!m.HasLatencySla)
        {
            assumptions.Add("no latency target was given (add --sla-p99): capacity at SLA only applies the error limit");
        }

        var advice = count == 1
            ? F($"1 instance: its capacity within the SLA, {N(xs)} req/s, covers {N(rate)} req/s with headroom")
            : F($"{count} instances of the measured one ({N(xs)} req/s each within the SLA)");
        return new ReplicaSizing
        {
            Advice = advice,
            Inputs = [Input("target rate", rate, "req/s", "--target-rate"), Input("capacity per instance at SLA", xs, "req/s", m.SlaSource!)],
            Arithmetic = [F($"instances = ⌈{N(rate)} req/s / ({N(xs)} req/s × {P(cap)})⌉ = {count}")],
            Assumptions = assumptions,
            CapacityPerInstance = xs,
            CapacityIsLowerBound = !m.SlaBroke,
            Count = count,
        };
    }

    private static AutoscaleSizing Autoscale(Measurements m, SweepResult sweep, double headroom, ReplicaSizing replicas)
    {
        if (replicas.Count is not { } count)
        {
            return new AutoscaleSizing { ThinData = "no capacity per instance (see replicas), so there is no replica range to autoscale in" };
        }

        if (m.CpuAtKnee is not { } knee || m.CoresAvailable is not { } available)
        {
            return new AutoscaleSizing { ThinData = "the CPU at the SLA knee was not measured (add --target-pid PID to the sweep), so no HPA CPU target can be taken from it" };
        }

        var cap = 1 - headroom;
        var utilisation = 100 * knee.Value / available.Value;
        var target = Math.Clamp((int)Math.Floor((utilisation * cap) + 1e-9), 1, 100);
        var min = Math.Min(2, count);
        var arithmetic = new List<string>
        {
            F($"utilisation at the knee = {N(knee.Value)} cores / {N(available.Value)} cores = {N(utilisation)} %"),
            F($"averageUtilization = ⌊{N(utilisation)} % × {P(cap)}⌋ = {target} %"),
            F($"maxReplicas = instances for the target rate = {count}; minReplicas = {min}"),
        };
        var assumptions = new List<string>
        {
            F($"the pod's CPU request is what the measured instance had, {N(available.Value)} cores; with a request of R cores the target is {N(knee.Value * cap * 100)} / R %"),
            "minReplicas 2 (1 when one instance is enough) is a choice for availability, not a measurement",
        };
        if (utilisation < WeakCpuSignalPercent)
        {
            assumptions.Add(F($"the CPU is only {N(utilisation)} % busy at the knee: it is not what limits this service, so an HPA on CPU reacts late; scaling on request rate (about {N(m.SlaThroughput!.Value * cap)} req/s per pod) through a custom metric follows the real limit"));
        }

        return new AutoscaleSizing
        {
            Advice = F($"HorizontalPodAutoscaler on CPU at {target} % average utilisation (not a default 70 %), {min}–{count} replicas"),
            Inputs = [knee, available, Input("instances for the target rate", count, "instances", "replicas above")],
            Arithmetic = arithmetic,
            Assumptions = assumptions,
            CpuCoresAtKnee = knee.Value,
            CpuCoresAvailable = available.Value,
            UtilisationAtKneePercent = utilisation,
            CpuTargetPercent = target,
            MinReplicas = min,
            MaxReplicas = count,
            DeploymentName = KubernetesName(sweep.Name),
        };
    }

    /// <summary>A DNS-1123 label from <paramref name="name"/>: lower-case letters, digits and '-', at most 63, never empty.</summary>
    internal static string KubernetesName(string name)
    {
        var b = new StringBuilder();
        foreach (var ch in name.ToLowerInvariant())
        {
            b.Append(ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') ? ch : '-');
        }

        var text = b.ToString();
        while (text.Contains("--", StringComparison.Ordinal))
        {
            text = text.Replace("--", "-", StringComparison.Ordinal);
        }

        text = text.Trim('-');
        if (text.Length > 63)
        {
            text = text[..63].TrimEnd('-');
        }

        return text.Length == 0 ? "app" : text;
    }

    private static string PerProcessText(int? perProcess) => perProcess is { } p ? F($" ({p} per worker process)") : string.Empty;

    private static string KindText(WorkKind kind) => kind switch
    {
        WorkKind.CpuBound => "CPU-bound",
        WorkKind.Waiting => "waiting (database, I/O)",
        WorkKind.Mixed => "mixed",
        _ => "unknown",
    };

    private static SizingInput Input(string name, double value, string unit, string source) => new(name, value, unit, source);

    private static string F(FormattableString text) => text.ToString(Invariant);

    /// <summary>A number for prose: 3 significant digits, at most 2 decimals above 1.</summary>
    internal static string N(double value)
    {
        var v = Core.Statistics.Numbers.Significant(value, 3);
        return Math.Abs(v) >= 100 ? v.ToString("0", Invariant) : v.ToString("0.##", Invariant);
    }

    private static string P(double share) => (share * 100).ToString("0.#", Invariant) + " %";

    /// <summary>The sweep's measurements the advice reads, with where each came from.</summary>
    private sealed class Measurements
    {
        public int StepCount { get; private init; }

        public string LevelUnit { get; private init; } = "users";

        public SizingInput? ServiceTime { get; private set; }

        public SizingInput? CpuMsPerRequest { get; private set; }

        public SizingInput? CpuAtKnee { get; private set; }

        public SizingInput? CoresAvailable { get; private set; }

        public double? Cores { get; private set; }

        public double? SlaThroughput { get; private init; }

        public string? SlaSource { get; private init; }

        public bool SlaBroke { get; private init; }

        public bool HasLatencySla { get; private init; }

        public double? Parallelism { get; private set; }

        public string? ParallelismSource { get; private set; }

        public bool HasServerEvidence { get; private set; }

        public SizingInput? DbTime { get; private set; }

        public SizingInput? PoolWait { get; private set; }

        public double? PoolWaitLevel { get; private set; }

        public double PoolWaitThroughput { get; private set; }

        public static Measurements From(SweepResult sweep, CapacityReport capacity)
        {
            var unit = capacity.Model == "open" ? "req/s offered" : "users";
            var stepResults = sweep.Steps.ToDictionary(s => s.Index, s => s.Result);
            var steps = capacity.Steps;
            var sla = capacity.Capacity;
            var m = new Measurements
            {
                StepCount = steps.Count,
                LevelUnit = unit,
                SlaThroughput = sla.Throughput,
                SlaSource = sla.Level is { } l ? F($"capacity at SLA: the step at {N(l)} {unit}, within {sla.Criteria}") : null,
                SlaBroke = sla.FirstFailingLevel is { } failing && sla.Level is { } best && failing > best,
                HasLatencySla = sweep.Sla.Any(t => t.P50Ms is not null || t.P95Ms is not null || t.P99Ms is not null),
            };
            if (steps.Count == 0)
            {
                return m;
            }

            // Server evidence: the lowest step with joined requests gives the service time least disturbed by queueing.
            var evidence = steps
                .Select(s => (Figures: s, Evidence: stepResults.TryGetValue(s.Index, out var r) && r.TryGetSection<ServerEvidence>(ServerEvidence.SectionName, out var e) ? e : null))
                .Where(p => p.Evidence is { Endpoints.Count: > 0 } && p.Evidence.Endpoints.Sum(x => x.Requests) > 0)
                .ToList();
            m.HasServerEvidence = evidence.Count > 0;
            // Low-load latency: the fastest mean among the steps below the plateau that the generator drove properly
            // and that stayed within the error limit (queueing only adds to it; a first step still warming up or sent
            // late would overstate it).
            var below = capacity.Plateau is { } flat ? steps.Take(flat.FirstStep) : steps;
            var low = below.Where(s => !s.GeneratorLimited && s.ErrorRate <= sweep.MaxErrorRate).MinBy(s => s.MeanMs) ?? steps[0];
            if (evidence.Count > 0)
            {
                var (figures, e) = evidence[0];
                var joined = e!.Endpoints.Sum(x => x.Requests);
                var server = e.Endpoints.Sum(x => x.ServerTime.Mean * x.Requests) / joined;
                var db = e.Endpoints.Sum(x => x.DbTimeMeanMs * x.Requests) / joined;
                m.ServiceTime = Input("service time", server, "ms", F($"server span mean at {N(figures.Level)} {unit}, the lowest step with server evidence, {joined} requests"));
                m.DbTime = Input("database time per request", db, "ms", F($"server evidence at {N(figures.Level)} {unit}"));
                foreach (var (f, ev) in evidence)
                {
                    var n = ev!.Endpoints.Sum(x => x.Requests);
                    var wait = ev.Endpoints.Sum(x => x.PoolWaitMeanMs * x.Requests) / n;
                    if (wait > (m.PoolWait?.Value ?? 0))
                    {
                        m.PoolWait = Input("pool wait per request", wait, "ms", F($"server evidence at {N(f.Level)} {unit}"));
                        m.PoolWaitLevel = f.Level;
                        m.PoolWaitThroughput = f.Throughput;
                    }
                }
            }
            else if (capacity.Plateau is { FirstStep: 0 } saturated)
            {
                m.ServiceTime = Input("service time", saturated.ServiceTimeMs, "ms", "the plateau's service time, parallelism / ceiling: even the lowest step was saturated, so its latency includes queueing");
            }
            else
            {
                m.ServiceTime = Input("service time", low.MeanMs, "ms", F($"mean latency at {N(low.Level)} {unit}, the fastest step below the plateau; without server evidence network and client time are included"));
            }

            // The parallelism of the measured instance: the plateau's (closed model), else the ceiling × service time.
            if (capacity.Plateau is { } plateau && m.ServiceTime is { } st)
            {
                if (plateau.EstimatedParallelism is { } c)
                {
                    m.Parallelism = Math.Max(1, c);
                    m.ParallelismSource = "the plateau, ceiling × low-load latency";
                }
                else
                {
                    m.Parallelism = Math.Max(1, plateau.Ceiling * st.Value / 1000);
                    m.ParallelismSource = F($"throughput ceiling {N(plateau.Ceiling)} req/s × service time {N(st.Value)} ms");
                }
            }

            // Process samples: CPU per request over every step, CPU at capacity at SLA.
            var watched = steps
                .Select(s => (Figures: s, Watch: stepResults.TryGetValue(s.Index, out var r) && r.TryGetSection<ProcessWatch>(ProcessWatch.SectionName, out var w) ? w : null))
                .Where(p => p.Watch is not null)
                .ToList();
            var cpuSeconds = watched.Sum(p => p.Watch!.Summary.CpuUserSeconds + p.Watch.Summary.CpuSystemSeconds);
            var cpuRequests = watched.Sum(p => p.Watch!.Summary.CompletedRequests);
            if (cpuRequests > 0)
            {
                m.CpuMsPerRequest = Input("CPU per request", 1000 * cpuSeconds / cpuRequests, "ms", F($"--target-pid, server CPU-seconds / completed requests over {watched.Count} step(s), {cpuRequests} requests"));
            }

            if (watched.Count > 0)
            {
                var first = watched[0].Watch!;
                m.Cores = first.CpuLimitCores ?? first.MachineCores;
            }

            if (sla.StepIndex is { } k && watched.FirstOrDefault(p => p.Figures == steps[k]).Watch is { } atKnee)
            {
                m.CpuAtKnee = Input("CPU at the SLA knee", atKnee.Summary.MeanCpuPercent / 100, "cores", F($"--target-pid, mean CPU at capacity at SLA, {N(steps[k].Level)} {unit}"));
                var limit = atKnee.CpuLimitCores ?? atKnee.MachineCores;
                m.CoresAvailable = Input("cores available", limit, "cores", atKnee.CpuLimitCores is null ? "the machine's cores, no CPU limit" : "the processes' CPU limit, cgroup quota or affinity");
            }

            return m;
        }
    }
}
