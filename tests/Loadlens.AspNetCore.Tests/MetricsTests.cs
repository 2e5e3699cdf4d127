using System.Diagnostics;
using System.Text;
using Loadlens.AspNetCore.Endpoints;

namespace Loadlens.AspNetCore.Tests;

/// <summary><c>/_loadlens/metrics</c> is valid Prometheus text (checked by promtool) with the recorded numbers.</summary>
public sealed class MetricsTests
{
    [SkippableFact]
    public async Task The_metrics_of_a_loaded_app_pass_promtool_check_metrics_and_hold_the_recorded_counts()
    {
        var promtool = FindPromtool();
        await using var app = await ProfiledApp.StartAsync();
        using var http = new HttpClient { BaseAddress = app.BaseAddress };
        // load it: raw and EF routes (EF quotes identifiers, so statements carry " that must be escaped), a 404, no route
        var tasks = new List<Task>();
        for (var i = 0; i < 8; i++)
        {
            tasks.Add(http.GetAsync("api/chefs"));
            tasks.Add(http.GetAsync("ef/chefs"));
            tasks.Add(http.GetAsync($"api/chefs/{1 + i}"));
            tasks.Add(http.GetAsync("api/chefs/9999"));
            tasks.Add(http.GetAsync("nowhere"));
        }

        await Task.WhenAll(tasks);
        using var response = await http.GetAsync("_loadlens/metrics");
        response.Content.Headers.ContentType!.ToString().ShouldBe("text/plain; version=0.0.4; charset=utf-8");
        var text = await response.Content.ReadAsStringAsync();

        text.ShouldContain("loadlens_http_requests_total{method=\"GET\",route=\"/api/chefs\",status=\"200\"} 8\n");
        text.ShouldContain("loadlens_http_requests_total{method=\"GET\",route=\"/api/chefs/{id:int}\",status=\"404\"} 8\n");
        text.ShouldContain("loadlens_http_request_duration_seconds_count{method=\"GET\",route=\"/api/chefs\"} 8\n");
        text.ShouldContain("loadlens_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/chefs\",le=\"+Inf\"} 8\n");
        text.ShouldContain($"loadlens_db_commands_total{{method=\"GET\",route=\"/api/chefs\"}} {8 * (1 + ProfiledApp.ChefsPerList)}\n");
        text.ShouldContain($"loadlens_db_statement_calls_total{{method=\"GET\",route=\"/api/chefs\",db_system=\"sqlite\",statement=\"SELECT count(*) FROM bookings WHERE chef_id = ?\"}} {8 * ProfiledApp.ChefsPerList}\n");
        text.ShouldContain("statement=\"SELECT COUNT(*) FROM \\\"bookings\\\" AS \\\"b\\\""); // EF's quotes, escaped

        var (exit, output) = await RunAsync(promtool, "check metrics", text);
        exit.ShouldBe(0, output);
    }

    [SkippableFact]
    public async Task Promtool_rejects_a_broken_exposition_so_the_check_above_can_fail()
    {
        var promtool = FindPromtool();
        var (exit, _) = await RunAsync(promtool, "check metrics", "# TYPE x_total counter\nx_total{a=\"unterminated} 1\n");
        exit.ShouldNotBe(0);
    }

    [Fact]
    public void Label_values_escape_backslash_quote_and_line_feed()
    {
        var sb = new StringBuilder();
        PrometheusText.Escape(sb, "a\\b\"c\nd");
        sb.ToString().ShouldBe("a\\\\b\\\"c\\nd");
    }

    private static string FindPromtool()
    {
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(dir, "promtool");
            if (File.Exists(path))
            {
                return path;
            }
        }

        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("CI=true but promtool is not installed: .ci/run installs Debian's prometheus package");
        }

        Skip.If(true, "promtool is not installed (apt-get install prometheus)");
        return string.Empty;
    }

    private static async Task<(int Exit, string Output)> RunAsync(string file, string args, string stdin)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        await p.StandardInput.WriteAsync(stdin);
        p.StandardInput.Close();
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await p.WaitForExitAsync(cts.Token);
        return (p.ExitCode, await stdout + await stderr);
    }
}
