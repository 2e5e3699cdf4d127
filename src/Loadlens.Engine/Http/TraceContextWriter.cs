using System.Diagnostics;
using Loadlens.Core.Tracing;

namespace Loadlens.Engine.Http;

/// <summary>One request's trace ids (<see cref="LoadlensTraceId"/>): a value, written into the request without allocating.</summary>
internal readonly record struct TraceStamp(uint RunTag, int Endpoint, long SendMicros, ulong Random);

/// <summary>
/// Stamps each request of a run with a W3C <c>traceparent</c> (<see cref="LoadRunnerOptions.TraceContext"/>): the run's
/// tag, the endpoint, the send time since the run started, random bits from the user's generator.
/// </summary>
internal sealed class TraceContextWriter(uint runTag, long startTimestamp)
{
    public uint RunTag { get; } = runTag;

    public TraceStamp Stamp(int endpoint, Random random) =>
        new(RunTag, endpoint, (long)Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds, (ulong)random.NextInt64(long.MinValue, long.MaxValue));

    public string TraceParent(int endpoint, Random random)
    {
        var s = Stamp(endpoint, random);
        return LoadlensTraceId.TraceParent(s.RunTag, s.Endpoint, s.SendMicros, s.Random);
    }
}
