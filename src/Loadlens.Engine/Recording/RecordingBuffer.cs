using HdrHistogram;
using Loadlens.Core.Metrics;
using Loadlens.Core.Results;

namespace Loadlens.Engine.Recording;

/// <summary>One side of a worker's double buffer: everything recorded in one interval.</summary>
internal sealed class RecordingBuffer
{
    internal const int StatusSlots = 600;
    internal static readonly int CategorySlots = Enum.GetValues<ErrorCategory>().Length;

    public RecordingBuffer(int endpoints)
    {
        Histograms = new LongHistogram[endpoints];
        for (var i = 0; i < endpoints; i++)
        {
            Histograms[i] = LatencyHistograms.Create();
        }

        Failures = new long[endpoints];
        BytesSent = new long[endpoints];
        BytesReceived = new long[endpoints];
        StatusCounts = new long[endpoints * StatusSlots];
        CategoryCounts = new long[endpoints * CategorySlots];
        TimingHistograms = new LongHistogram?[endpoints * TimingSlots];
        TimingCounts = new long[endpoints * TimingSlots];
        TimingSumsMs = new double[endpoints * TimingSlots];
        TimingResponses = new long[endpoints];
        TimingDropped = new long[endpoints];
        TimingUnparsable = new long[endpoints];
    }

    /// <summary>Server-Timing names per endpoint.</summary>
    internal const int TimingSlots = ServerTimingSummary.MaxNames;

    public LongHistogram[] Histograms { get; }

    public long[] Failures { get; }

    public long[] BytesSent { get; }

    public long[] BytesReceived { get; }

    /// <summary>Index: endpoint * 600 + status (0 for no response).</summary>
    public long[] StatusCounts { get; }

    /// <summary>Index: endpoint * categories + (int)category.</summary>
    public long[] CategoryCounts { get; }

    /// <summary>Server-Timing durations (µs) per endpoint * <see cref="TimingSlots"/> + name slot; created at a name's first duration in this buffer.</summary>
    public LongHistogram?[] TimingHistograms { get; }

    /// <summary>Server-Timing entries per endpoint and name slot (with or without a duration).</summary>
    public long[] TimingCounts { get; }

    /// <summary>Exact sum of the Server-Timing durations (ms) per endpoint and name slot.</summary>
    public double[] TimingSumsMs { get; }

    /// <summary>Responses with a Server-Timing field, per endpoint.</summary>
    public long[] TimingResponses { get; }

    /// <summary>Server-Timing entries not kept (name table full, too many in one response), per endpoint.</summary>
    public long[] TimingDropped { get; }

    /// <summary>Malformed Server-Timing entries, per endpoint.</summary>
    public long[] TimingUnparsable { get; }

    /// <summary>Whether any Server-Timing field was recorded into this buffer since the last reset.</summary>
    public bool HasTiming { get; set; }

    /// <summary>Error groups with count and first message; null until the first error (rare path).</summary>
    public Dictionary<ErrorKey, ErrorAccumulator>? Errors { get; set; }

    public bool IsEmpty { get; private set; } = true;

    public void MarkUsed() => IsEmpty = false;

    public void Reset()
    {
        if (IsEmpty)
        {
            return;
        }

        foreach (var h in Histograms)
        {
            if (h.TotalCount > 0)
            {
                h.Reset();
            }
        }

        Array.Clear(Failures);
        Array.Clear(BytesSent);
        Array.Clear(BytesReceived);
        Array.Clear(StatusCounts);
        Array.Clear(CategoryCounts);
        Errors?.Clear();
        if (HasTiming)
        {
            foreach (var h in TimingHistograms)
            {
                if (h is { TotalCount: > 0 })
                {
                    h.Reset();
                }
            }

            Array.Clear(TimingCounts);
            Array.Clear(TimingSumsMs);
            Array.Clear(TimingResponses);
            Array.Clear(TimingDropped);
            Array.Clear(TimingUnparsable);
            HasTiming = false;
        }

        IsEmpty = true;
    }
}

/// <summary>Identity of an error group.</summary>
internal readonly record struct ErrorKey(int Endpoint, ErrorCategory Category, int Status);

/// <summary>Count and first occurrence of an error group.</summary>
internal sealed class ErrorAccumulator
{
    public long Count { get; set; }

    public required string FirstMessage { get; set; }

    public long FirstTimestamp { get; set; }
}
