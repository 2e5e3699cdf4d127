using Loadlens.Core.Serialization;
using Loadlens.TestUtils;

namespace Loadlens.Cli.Tests;

public sealed class TransportOptionTests
{
    [Theory]
    [InlineData(null, "epoll-http1")]
    [InlineData("epoll", "epoll-http1")]
    [InlineData("lean", "lean-http1")]
    [InlineData("sockets", "sockets-http-handler")]
    public async Task Transport_IsChosenAndReported(string? option, string expected)
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();
        var outDir = Path.Combine(cli.Directory, "out");
        string[] args = ["run", new Uri(target.BaseAddress, "/count").ToString(), "-u", "2", "-n", "50", "-o", outDir];
        if (option is not null)
        {
            args = [.. args, "--transport", option];
        }

        var exit = await cli.RunAsync(args);

        exit.ShouldBe(0, cli.Error.ToString());
        target.Count.ShouldBe(50);
        var result = RunResultJson.Deserialize(await File.ReadAllTextAsync(Path.Combine(outDir, "result.json")));
        result.Generator.ShouldNotBeNull().Transport.ShouldBe(expected);
        result.Generator.CpuSeconds.ShouldBeGreaterThan(0);
        cli.Out.ToString().ShouldContain($"Generator: {expected}, ");
    }

    [Fact]
    public async Task UnknownTransport_IsAUsageError()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("run", "http://127.0.0.1:1/", "--transport", "carrier-pigeon");

        exit.ShouldBe(2);
    }

    [Fact]
    public async Task EventLoops_AreAccepted_ForTheEpollTransport()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("run", new Uri(target.BaseAddress, "/count").ToString(), "-u", "4", "-n", "40", "--transport", "epoll", "--event-loops", "2", "-o", Path.Combine(cli.Directory, "out"));

        exit.ShouldBe(0, cli.Error.ToString());
        target.Count.ShouldBe(40);
    }

    [Fact]
    public async Task ZeroEventLoops_IsAUsageError()
    {
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("run", "http://127.0.0.1:1/", "--transport", "epoll", "--event-loops", "0");

        exit.ShouldBe(2);
        cli.Error.ToString().ShouldContain("--event-loops must be at least 1");
    }

    [Fact]
    public async Task EpollTransportWithHttp2_IsAUsageError()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("run", target.BaseAddress.ToString(), "--http2", "--transport", "epoll", "-n", "1", "-o", Path.Combine(cli.Directory, "out"));

        exit.ShouldBe(2);
        cli.Error.ToString().ShouldContain("plain http://");
    }

    [Fact]
    public async Task LeanTransportWithHttp2_IsAUsageError()
    {
        await using var target = await TestTarget.StartAsync();
        using var cli = new CliHarness();

        var exit = await cli.RunAsync("run", target.BaseAddress.ToString(), "--http2", "--transport", "lean", "-n", "1", "-o", Path.Combine(cli.Directory, "out"));

        exit.ShouldBe(2);
        cli.Error.ToString().ShouldContain("HTTP/1.1 only");
    }
}
