namespace Loadlens.Analysis;

/// <summary>
/// Little's law, N = X·(R + Z): the mean number of requests in flight (Z = 0) or of users kept busy
/// (closed model, Z = think time) at throughput X with mean latency R. The one formula behind the
/// serialized-resource and generator-saturation rules, the sweep's per-step concurrency and the
/// "In flight" column of analysis.md.
/// </summary>
internal static class LittlesLaw
{
    /// <summary>N = X·(R + Z), with X in req/s and R, Z in milliseconds.</summary>
    /// <param name="requestsPerSecond">Throughput X (req/s).</param>
    /// <param name="latencyMs">Mean latency R (ms).</param>
    /// <param name="thinkMs">Mean think time Z per request (ms); 0 for requests in flight.</param>
    public static double Concurrency(double requestsPerSecond, double latencyMs, double thinkMs = 0)
        => requestsPerSecond * (latencyMs + thinkMs) / 1000;
}
