namespace Loadlens.Engine.Http;

/// <summary>Per virtual user (or per open-model slot) state, reused across requests.</summary>
internal sealed class UserContext : IDisposable
{
    private readonly CancellationToken _hardStop;
    private byte[]? _readBuffer;

    public UserContext(int id, int endpoints, int feeders, Random random, CancellationToken hardStop)
    {
        Id = id;
        Random = random;
        StaticRequests = new HttpRequestMessage?[endpoints];
        FeederValues = new string?[feeders];
        _hardStop = hardStop;
        Timeout = CancellationTokenSource.CreateLinkedTokenSource(hardStop);
    }

    public int Id { get; }

    public Random Random { get; }

    /// <summary>Requests without placeholders, built once per user and reused (HttpMessageInvoker does not mark them sent).</summary>
    public HttpRequestMessage?[] StaticRequests { get; }

    public string?[] FeederValues { get; }

    public byte[] ReadBuffer => _readBuffer ??= new byte[16 * 1024];

    /// <summary>Transport state owned by this user (the lean transport's keep-alive connection).</summary>
    public IDisposable? Connection { get; set; }

    /// <summary>The SocketsHttpHandler transport's Server-Timing scratch (created at the first response).</summary>
    public Transport.ServerTimingCapture? ServerTiming { get; set; }

    /// <summary>Accumulates the body when a content check needs it.</summary>
    public MemoryStream? CheckBuffer { get; set; }

    /// <summary>Per-request timeout source, linked to the hard stop; reset (not reallocated) between requests.</summary>
    public CancellationTokenSource Timeout { get; private set; }

    public volatile bool StopRequested;

    public CancellationToken Arm(TimeSpan timeout)
    {
        if (!Timeout.TryReset())
        {
            Timeout.Dispose();
            Timeout = CancellationTokenSource.CreateLinkedTokenSource(_hardStop);
        }

        Timeout.CancelAfter(timeout);
        return Timeout.Token;
    }

    public void Disarm() => Timeout.CancelAfter(System.Threading.Timeout.InfiniteTimeSpan);

    public void Dispose()
    {
        Timeout.Dispose();
        foreach (var r in StaticRequests)
        {
            r?.Dispose();
        }

        CheckBuffer?.Dispose();
        Connection?.Dispose();
    }
}
