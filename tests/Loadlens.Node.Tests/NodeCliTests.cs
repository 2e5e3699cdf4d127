using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Loadlens.Node.Tests;

/// <summary>
/// The real <c>loadlens</c> binary (a child process, as a user runs it) with <c>--otlp</c> against the Node.js app, and
/// the app's own graceful shutdown: SIGTERM exports the spans still in its batch.
/// </summary>
[Collection("node")]
public sealed class NodeCliTests(NodeDatabase database) : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("loadlens-node-cli-").FullName;

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    [SkippableFact]
    public async Task Loadlens_run_with_otlp_and_db_prints_the_server_side_table_the_N_plus_one_and_the_missing_index()
    {
        var app = await database.AppAsync("http/protobuf");
        var port = app.OtlpPort;
        var outDir = Path.Combine(_dir, "out");

        var (exit, stdout, stderr) = await RunCliAsync(
            "run", new Uri(app.BaseAddress, "/api/chefs?page=3").ToString(), new Uri(app.BaseAddress, "/api/chefs/9").ToString(),
            new Uri(app.BaseAddress, "/api/bookings/by-cuisine/cuisine-2").ToString(),
            "-u", "4", "-n", "240", "--otlp", $"127.0.0.1:{port}", "--db", database.Url, "-o", outDir);

        exit.ShouldBe(0, stderr + stdout + app.Log);
        stdout.ShouldContain("Server side (OpenTelemetry)");
        stdout.ShouldContain("240 of 240 requests joined to the app's server spans"); // the caption: every request has its server span
        stdout.ShouldContain("SELECT count(*) AS bookings FROM bookings WHERE chef_id = ?"); // the N+1 finding
        stdout.ShouldContain("CREATE INDEX idx_bookings_cuisine_type ON bookings (cuisine_type)"); // --db: the exact index
        (stdout + stderr).ShouldNotContain("postgres:loadlens@"); // the --db password is never printed
        using var analysis = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(outDir, "analysis.json")));
        var nPlusOne = analysis.RootElement.GetProperty("findings").EnumerateArray().Where(f => f.GetProperty("ruleId").GetString() == "n-plus-one").ShouldHaveSingleItem();
        nPlusOne.GetProperty("endpoint").GetString().ShouldBe("GET /api/chefs?page=3");
        (await File.ReadAllTextAsync(Path.Combine(outDir, "summary.md"))).ShouldContain("## Server side (OpenTelemetry)");
    }

    [SkippableFact]
    public async Task SIGTERM_exports_the_spans_still_in_the_batch_before_the_app_exits()
    {
        await database.ReadyAsync();
        var port = NodeApp.FreePort();
        using var receiver = new HttpListener();
        receiver.Prefixes.Add($"http://127.0.0.1:{port}/");
        receiver.Start();
        var bodies = new List<string>();
        var receiving = Task.Run(async () =>
        {
            while (receiver.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await receiver.GetContextAsync();
                }
                catch (Exception ex) when (ex is HttpListenerException or ObjectDisposedException or InvalidOperationException)
                {
                    return;
                }

                using (var reader = new StreamReader(context.Request.InputStream, Encoding.UTF8))
                {
                    var body = await reader.ReadToEndAsync();
                    lock (bodies)
                    {
                        bodies.Add($"{context.Request.HttpMethod} {context.Request.Url!.AbsolutePath} {body}");
                    }
                }

                context.Response.ContentType = "application/json";
                context.Response.Close("{}"u8.ToArray(), willBlock: false);
            }
        });

        // A batch delay far longer than the test: spans leave the app only when it shuts down.
        var app = await NodeApp.StartAsync(database, port, "http/json", new Dictionary<string, string> { ["OTEL_BSP_SCHEDULE_DELAY"] = "600000" });
        await using (app)
        {
            using var client = new HttpClient();
            (await client.GetStringAsync(new Uri(app.BaseAddress, "/api/chefs/12"))).ShouldContain("\"id\":12");
            await Task.Delay(500);
            lock (bodies)
            {
                bodies.ShouldBeEmpty(); // still in the batch
            }

            (await app.StopAsync(TimeSpan.FromSeconds(10))).ShouldBe(0, app.Log);
            app.Log.ShouldContain("SIGTERM: closing");
        }

        receiver.Stop();
        await receiving;
        var all = string.Join("\n", bodies);
        all.ShouldStartWith("POST /v1/traces ");
        all.ShouldContain("SELECT id, name, cuisine_type, city FROM chefs WHERE id = $1"); // the request's pg span
        all.ShouldContain("/api/chefs/:id(\\\\d+)"); // its server span's route (JSON-escaped)
    }

    private static async Task<(int Exit, string Stdout, string Stderr)> RunCliAsync(params string[] args)
    {
        var psi = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "loadlens.dll"));
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        psi.Environment["COLUMNS"] = "220";
        using var process = Process.Start(psi)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
