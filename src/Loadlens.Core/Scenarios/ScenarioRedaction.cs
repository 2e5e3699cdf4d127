namespace Loadlens.Core.Scenarios;

/// <summary>
/// Secrets never reach an output: the copy of a scenario that goes into a <see cref="Results.RunResult"/> (and so into
/// result.json, reports and history) has the values of <see cref="AlwaysRedacted"/> headers and of the headers named in
/// <see cref="ScenarioDefinition.Redact"/> replaced by <see cref="Marker"/>, <c>${NAME}</c> references written as
/// references (not their values), and no user information in URLs. Feeder values are never written at all.
/// </summary>
public static class ScenarioRedaction
{
    /// <summary>What a redacted value is written as.</summary>
    public const string Marker = "[redacted]";

    /// <summary>Headers whose values are always redacted (credentials and session state).</summary>
    public static IReadOnlyList<string> AlwaysRedacted { get; } = ["Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie"];

    /// <summary>Whether a header or feeder called <paramref name="name"/> is redacted in <paramref name="scenario"/>.</summary>
    public static bool IsRedacted(string name, ScenarioDefinition scenario)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(scenario);
        return AlwaysRedacted.Contains(name, StringComparer.OrdinalIgnoreCase) || scenario.Redact.Contains(name, StringComparer.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The copy of <paramref name="scenario"/> that may be written: redacted header values, <c>${NAME}</c> references
    /// restored (<see cref="ScenarioDefinition.EnvironmentTemplates"/>), URL user information removed. Applying it
    /// twice changes nothing.
    /// </summary>
    public static ScenarioDefinition ForOutput(ScenarioDefinition scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var templates = scenario.EnvironmentTemplates;
        return scenario with
        {
            BaseUrl = WithoutUserInfo(scenario.BaseUrl),
            Headers = Headers(scenario.Headers, scenario),
            Endpoints = [.. scenario.Endpoints.Select(e => e with
            {
                Headers = Headers(e.Headers, scenario),
                Body = e.Body is { } body && templates.TryGetValue(body, out var written) ? written : e.Body,
            })],
            EnvironmentTemplates = new Dictionary<string, string>(),
        };
    }

    /// <summary><paramref name="url"/> without user information (<c>http://user:pass@host/</c> → <c>http://host/</c>).</summary>
    public static Uri WithoutUserInfo(Uri url)
    {
        ArgumentNullException.ThrowIfNull(url);
        if (!url.IsAbsoluteUri || url.UserInfo.Length == 0)
        {
            return url;
        }

        return new UriBuilder(url) { UserName = string.Empty, Password = string.Empty }.Uri;
    }

    /// <summary><see cref="WithoutUserInfo"/> as text: what outputs print for a target URL.</summary>
    public static string Target(Uri url) => WithoutUserInfo(url).ToString();

    private static Dictionary<string, string> Headers(IReadOnlyDictionary<string, string> headers, ScenarioDefinition scenario)
    {
        var result = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in headers)
        {
            result[name] = IsRedacted(name, scenario) ? Marker
                : scenario.EnvironmentTemplates.TryGetValue(value, out var written) ? written
                : value;
        }

        return result;
    }
}
