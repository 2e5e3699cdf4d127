using Loadlens.Core.Scenarios;

namespace Loadlens.Engine.Tests;

internal static class Scenarios
{
    public static ScenarioDefinition Get(Uri baseUrl, string path, LoadProfile load, string method = "GET") => new()
    {
        Name = "test",
        BaseUrl = baseUrl,
        Endpoints = [new EndpointDefinition { Name = $"{method} {path}", Method = method, Path = path }],
        Load = load,
        RequestTimeout = TimeSpan.FromSeconds(10),
    };
}
