using Loadlens.Engine.Http;

namespace Loadlens.Engine.Transport;

/// <summary>
/// How requests reach the target. Two implementations: <see cref="LeanHttp1Transport"/> (raw
/// sockets, HTTP/1.1, allocation-free) and <see cref="RequestExecutor"/> (SocketsHttpHandler, for
/// HTTP/2 and anything the lean one does not support). Both record every outcome on the calling
/// thread's recorder with the same categories, so their results agree on the same target.
/// </summary>
internal interface IRequestTransport : IDisposable
{
    /// <summary>Name reported in <c>RunResult.Generator.Transport</c>.</summary>
    string Name { get; }

    /// <summary>
    /// Send endpoint <paramref name="endpoint"/> for <paramref name="user"/> and record the outcome;
    /// latency runs from <paramref name="intendedTimestamp"/> to the last body byte. Returns false
    /// when the hard stop ended it: then it is recorded as <see cref="Core.Results.ErrorCategory.Unfinished"/>
    /// with its age as latency, and the caller sends nothing more.
    /// </summary>
    ValueTask<bool> ExecuteAsync(UserContext user, int endpoint, long intendedTimestamp);
}

/// <summary>How every transport records a request the hard stop ended: no request the run sent disappears.</summary>
internal static class Unfinished
{
    /// <summary>The error message of an unfinished request.</summary>
    public const string Message = "unfinished: no complete response by the end of the grace period";
}
