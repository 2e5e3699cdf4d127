using Loadlens.Core.Results;

namespace Loadlens.Analysis.Compare;

/// <summary>
/// Endpoint identity across tools: method + normalised path. Loadlens names endpoints "GET /x" (method GET), Locust
/// "/x" (method GET) or a free name, k6 full URLs, JMeter labels; all of "GET /x", "/x" with method GET and
/// "http://host:port/x" with method GET are the key <c>GET /x</c>.
/// </summary>
public static class EndpointKeys
{
    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "TRACE", "CONNECT"];

    /// <summary>The matching key of <paramref name="endpoint"/>: <c>METHOD /path</c>, or the path (or name) alone when the method is unknown.</summary>
    public static string Key(EndpointResult endpoint)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return endpoint.IsAggregate ? EndpointResult.AggregatedName : Key(endpoint.Method, endpoint.Name);
    }

    /// <summary>The key of an endpoint called <paramref name="name"/> with HTTP method <paramref name="method"/> (may be empty).</summary>
    public static string Key(string method, string name)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(name);
        var m = method.Trim().ToUpperInvariant();
        var path = name.Trim();
        var space = path.IndexOf(' ', StringComparison.Ordinal);
        if (space > 0 && Methods.Contains(path[..space].ToUpperInvariant()) && (m.Length == 0 || string.Equals(m, path[..space], StringComparison.OrdinalIgnoreCase)))
        {
            m = path[..space].ToUpperInvariant();
            path = path[(space + 1)..].Trim();
        }

        path = NormalisePath(path);
        return m.Length == 0 ? path : $"{m} {path}";
    }

    /// <summary>The path part of a key (what remains without the method).</summary>
    public static string PathOf(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        var space = key.IndexOf(' ', StringComparison.Ordinal);
        return space > 0 && Methods.Contains(key[..space]) ? key[(space + 1)..] : key;
    }

    private static string NormalisePath(string path)
    {
        if ((path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
            && Uri.TryCreate(path, UriKind.Absolute, out var url))
        {
            path = url.PathAndQuery;
        }

        if (path.Length > 1 && path.EndsWith('/') && path.StartsWith('/'))
        {
            path = path.TrimEnd('/');
            if (path.Length == 0)
            {
                path = "/";
            }
        }

        return path;
    }
}
