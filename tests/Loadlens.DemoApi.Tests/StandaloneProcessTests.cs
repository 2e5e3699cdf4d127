using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using static Loadlens.DemoApi.Tests.ApiTestSupport;

namespace Loadlens.DemoApi.Tests;

public partial class StandaloneProcessTests
{
    [GeneratedRegex(@"Now listening on: (http://127\.0\.0\.1:\d+)")]
    private static partial Regex ListeningLine();

    [Fact]
    public async Task Standalone_program_starts_with_urls_and_db_arguments()
    {
        // The SDK copies the referenced exe's dll, deps.json and runtimeconfig.json next to the tests.
        var dll = Path.Combine(AppContext.BaseDirectory, "Loadlens.DemoApi.dll");
        File.Exists(Path.Combine(AppContext.BaseDirectory, "Loadlens.DemoApi.runtimeconfig.json")).ShouldBeTrue();
        var db = TempDbPath();

        var startInfo = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in new[] { dll, "--urls", "http://127.0.0.1:0", "--db", db, "--flaws", "n-plus-one,small-pool" })
        {
            startInfo.ArgumentList.Add(arg);
        }

        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        startInfo.Environment.Remove("ASPNETCORE_URLS");

        using var process = Process.Start(startInfo)!;
        var address = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                address.TrySetException(new InvalidOperationException("process closed stdout: " + string.Join('\n', output)));
                return;
            }

            output.Enqueue(e.Data);
            var match = ListeningLine().Match(e.Data);
            if (match.Success)
            {
                address.TrySetResult(match.Groups[1].Value);
            }
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
            {
                output.Enqueue(e.Data);
            }
        };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        try
        {
            var baseAddress = await address.Task.WaitAsync(TimeSpan.FromSeconds(60));
            using var client = new HttpClient { BaseAddress = new Uri(baseAddress + "/"), Timeout = TimeSpan.FromSeconds(30) };
            (await client.GetAsync("health")).StatusCode.ShouldBe(HttpStatusCode.OK);
            (await client.GetAsync("api/chefs/1")).StatusCode.ShouldBe(HttpStatusCode.OK);
            File.Exists(db).ShouldBeTrue();
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill();
            }

            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
            DeleteDb(db);
        }
    }
}
