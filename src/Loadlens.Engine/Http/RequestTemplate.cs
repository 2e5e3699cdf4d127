using System.Net.Http.Headers;
using System.Text;
using Loadlens.Core.Scenarios;

namespace Loadlens.Engine.Http;

/// <summary>An endpoint prepared before the loop: parsed URL parts, headers, encoded body, checks.</summary>
internal sealed class RequestTemplate
{
    private readonly string _baseUrl;
    private readonly TextTemplate _path;
    private readonly (string Name, TextTemplate Value)[] _headers;
    private readonly TextTemplate? _body;
    private readonly byte[]? _staticBody;
    private readonly string _contentType;
    private readonly int[] _expectStatus;

    public RequestTemplate(int index, EndpointDefinition endpoint, ScenarioDefinition scenario, Func<string, int> feederIndex)
    {
        Index = index;
        Name = endpoint.Name;
        try
        {
            Method = new HttpMethod(endpoint.Method.ToUpperInvariant());
        }
        catch (FormatException ex)
        {
            throw new ArgumentException($"endpoint '{endpoint.Name}': '{endpoint.Method}' is not a valid HTTP method", ex);
        }

        BaseUri = scenario.BaseUrl;
        _baseUrl = scenario.BaseUrl.GetLeftPart(UriPartial.Path).TrimEnd('/');
        var path = endpoint.Path.Length == 0 || endpoint.Path[0] == '/' ? endpoint.Path : "/" + endpoint.Path;
        _path = TextTemplate.Parse(path, feederIndex);
        var headers = new Dictionary<string, string>(scenario.Headers, StringComparer.OrdinalIgnoreCase);
        foreach (var (k, v) in endpoint.Headers)
        {
            headers[k] = v;
        }

        _contentType = headers.Remove("Content-Type", out var ct) ? ct : "application/json";
        if (!MediaTypeHeaderValue.TryParse(_contentType, out _))
        {
            throw new ArgumentException($"endpoint '{endpoint.Name}': Content-Type '{_contentType}' is not a valid media type (e.g. application/json)");
        }

        _headers = headers.Select(h => (h.Key, TextTemplate.Parse(h.Value, feederIndex))).ToArray();
        if (endpoint.Body is not null)
        {
            _body = TextTemplate.Parse(endpoint.Body, feederIndex);
            _staticBody = _body.IsStatic ? Encoding.UTF8.GetBytes(endpoint.Body) : null;
        }

        _expectStatus = [.. endpoint.ExpectStatus];
        ExpectBody = endpoint.ExpectBodyContains is { Length: > 0 } b ? Encoding.UTF8.GetBytes(b) : null;
        Version = scenario.HttpVersion == "2" ? System.Net.HttpVersion.Version20 : System.Net.HttpVersion.Version11;
        IsStatic = _path.IsStatic && _headers.All(h => h.Value.IsStatic) && (_body?.IsStatic ?? true);
        UsedFeeders = _path.Feeders.Concat(_headers.SelectMany(h => h.Value.Feeders)).Concat(_body?.Feeders ?? []).Distinct().ToArray();
        var host = scenario.BaseUrl.IsDefaultPort ? scenario.BaseUrl.Host : scenario.BaseUrl.Authority;
        var headerBytes = headers.Sum(h => h.Key.Length + h.Value.Length + 4);
        var bodyLength = _staticBody?.Length ?? Encoding.UTF8.GetByteCount(endpoint.Body ?? string.Empty);
        EstimatedRequestBytes = Method.Method.Length + 1 + path.Length + 11 + 6 + host.Length + 2 + headerBytes
            + (endpoint.Body is null ? 0 : 16 + _contentType.Length + 20 + bodyLength) + 2;
    }

    public int Index { get; }

    /// <summary>The scenario's base URL (scheme, authority and path prefix).</summary>
    public Uri BaseUri { get; }

    /// <summary>The endpoint path (with a leading '/'), placeholders unrendered.</summary>
    public TextTemplate PathTemplate => _path;

    /// <summary>Request headers (scenario and endpoint merged; Content-Type excluded).</summary>
    public IReadOnlyList<(string Name, TextTemplate Value)> HeaderTemplates => _headers;

    /// <summary>The body, placeholders unrendered; null without a body.</summary>
    public TextTemplate? BodyTemplate => _body;

    /// <summary>The Content-Type sent with a body.</summary>
    public string ContentType => _contentType;

    public string Name { get; }

    public HttpMethod Method { get; }

    public Version Version { get; }

    public bool IsStatic { get; }

    public int[] UsedFeeders { get; }

    public byte[]? ExpectBody { get; }

    /// <summary>Bytes of the request as encoded on the wire (request line, headers, body), estimated once.</summary>
    public long EstimatedRequestBytes { get; }

    public bool IsExpectedStatus(int status)
    {
        if (_expectStatus.Length == 0)
        {
            return status is >= 100 and < 400;
        }

        foreach (var s in _expectStatus)
        {
            if (s == status)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Build a request; values holds the feeder values for this request (indexed by feeder).</summary>
    /// <summary>True when the scenario sets its own <c>traceparent</c> header (it wins over the run's trace context).</summary>
    public bool HasTraceParent => HeaderTemplates.Any(h => h.Name.Equals("traceparent", StringComparison.OrdinalIgnoreCase));

    public HttpRequestMessage Create(string?[] values)
    {
        var request = new HttpRequestMessage(Method, new Uri(_baseUrl + _path.Render(values), UriKind.Absolute))
        {
            Version = Version,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        foreach (var (name, value) in _headers)
        {
            var text = value.Render(values);
            if (text.AsSpan().IndexOfAny('\r', '\n') >= 0)
            {
                request.Dispose();
                throw new FormatException($"header '{name}' value contains a line break");
            }

            request.Headers.TryAddWithoutValidation(name, text);
        }

        if (_body is not null)
        {
            var bytes = _staticBody ?? Encoding.UTF8.GetBytes(_body.Render(values));
            var content = new ByteArrayContent(bytes);
            content.Headers.ContentType = MediaTypeHeaderValue.Parse(_contentType);
            request.Content = content;
        }

        return request;
    }
}
