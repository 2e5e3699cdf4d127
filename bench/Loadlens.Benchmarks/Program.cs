using System.Globalization;
using BenchmarkDotNet.Running;
using Loadlens.Benchmarks;

// dotnet run -c Release --project bench/Loadlens.Benchmarks                 → BenchmarkDotNet (allocation proof)
// dotnet run -c Release --project bench/Loadlens.Benchmarks -- serve PORT MS → fixed-delay HTTP server (latency-accuracy run)
if (args is ["serve", var port, var delay, ..])
{
    using var server = new FixedResponseServer(int.Parse(port, CultureInfo.InvariantCulture), int.Parse(delay, CultureInfo.InvariantCulture));
    Console.WriteLine($"serving on 127.0.0.1:{server.Port} with a {delay} ms delay; Ctrl-C to stop");
    using var done = new ManualResetEventSlim();
    Console.CancelKeyPress += (_, e) => { e.Cancel = true; done.Set(); };
    AppDomain.CurrentDomain.ProcessExit += (_, _) => done.Set();
    done.Wait();
    return 0;
}

BenchmarkSwitcher.FromAssembly(typeof(TransportBenchmarks).Assembly).Run(args);
return 0;
