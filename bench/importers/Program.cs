using System.Diagnostics;
using System.Globalization;
using System.Text;
using Loadlens.Importers;

// Streaming benchmark for the JMeter JTL importer.
//   gen PATH ROWS      write a default-column JTL with ROWS rows (6 labels, ~5,000 rows/s of simulated time)
//   import PATH        import it and print rows/s and peak RSS (VmHWM) of this process
// run.sh does both in separate processes, so the peak RSS is the importer's alone.
var inv = CultureInfo.InvariantCulture;
if (args.Length >= 3 && args[0] == "gen")
{
    var path = args[1];
    var rows = long.Parse(args[2], inv);
    var rng = new Random(42);
    string[] labels = ["GET /api/products", "GET /api/products/{id}", "POST /api/orders", "GET /api/search", "GET /health", "Login, with comma"];
    var sw = Stopwatch.StartNew();
    using (var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20))
    {
        w.Write("timeStamp,elapsed,label,responseCode,responseMessage,threadName,dataType,success,failureMessage,bytes,sentBytes,grpThreads,allThreads,URL,Latency,IdleTime,Connect\n");
        var t0 = 1_714_550_400_000L;
        var sb = new StringBuilder(256);
        for (long i = 0; i < rows; i++)
        {
            var li = rng.Next(labels.Length);
            var label = labels[li];
            var elapsed = 2 + (int)(-Math.Log(1 - rng.NextDouble()) * (li == 2 ? 140 : 12));
            var ts = t0 + (i / 5) + rng.Next(0, 3);
            var failed = rng.Next(100) < 2;
            sb.Clear();
            sb.Append(ts).Append(',').Append(elapsed).Append(',');
            sb.Append(li == 5 ? "\"Login, with comma\"" : label).Append(',');
            sb.Append(failed ? "500,Internal Server Error," : "200,OK,");
            sb.Append("Thread Group 1-").Append(1 + (i % 50)).Append(",text,").Append(failed ? "false,Response code was 500," : "true,,");
            sb.Append(1200 + (i % 400)).Append(",180,50,50,http://127.0.0.1:8080/api/x,").Append(elapsed - 1).Append(",0,0\n");
            w.Write(sb);
        }
    }

    var size = new FileInfo(path).Length;
    Console.WriteLine(FormattableString.Invariant($"generated {rows:N0} rows, {size / 1e6:F1} MB in {sw.Elapsed.TotalSeconds:F1} s"));
    return 0;
}

if (args.Length >= 3 && args[0] == "gen-k6")
{
    // k6 --out json: per request an http_reqs, http_req_duration and http_req_failed point (like k6), plus vus each second.
    var path = args[1];
    var rows = long.Parse(args[2], inv);
    var rng = new Random(42);
    string[] names = ["/api/products", "/api/products/{id}", "/api/orders", "/api/search", "/health"];
    var sw = Stopwatch.StartNew();
    using (var w = new StreamWriter(path, false, new UTF8Encoding(false), 1 << 20))
    {
        w.Write("{\"type\":\"Metric\",\"data\":{\"name\":\"http_req_duration\",\"type\":\"trend\",\"contains\":\"time\",\"thresholds\":[],\"submetrics\":null},\"metric\":\"http_req_duration\"}\n");
        var t0 = new DateTimeOffset(2024, 5, 1, 8, 0, 0, TimeSpan.Zero);
        for (long i = 0; i < rows; i++)
        {
            var ni = rng.Next(names.Length);
            var ms = 1 + (-Math.Log(1 - rng.NextDouble()) * (ni == 2 ? 140 : 12));
            var failed = rng.Next(100) < 2;
            var time = t0.AddTicks(i * 2000).ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'+00:00'", inv);
            var tags = $"{{\"expected_response\":\"{(failed ? "false" : "true")}\",\"group\":\"\",\"method\":\"GET\",\"name\":\"{names[ni]}\",\"proto\":\"HTTP/1.1\",\"scenario\":\"default\",\"status\":\"{(failed ? "500" : "200")}\",\"tls_version\":\"\",\"url\":\"http://127.0.0.1:8080{names[ni]}\"}}";
            w.Write(FormattableString.Invariant($"{{\"metric\":\"http_reqs\",\"type\":\"Point\",\"data\":{{\"time\":\"{time}\",\"value\":1,\"tags\":{tags}}}}}\n"));
            w.Write(FormattableString.Invariant($"{{\"metric\":\"http_req_duration\",\"type\":\"Point\",\"data\":{{\"time\":\"{time}\",\"value\":{ms:F4},\"tags\":{tags}}}}}\n"));
            w.Write(FormattableString.Invariant($"{{\"metric\":\"http_req_failed\",\"type\":\"Point\",\"data\":{{\"time\":\"{time}\",\"value\":{(failed ? 1 : 0)},\"tags\":{tags}}}}}\n"));
        }
    }

    Console.WriteLine(FormattableString.Invariant($"generated {rows:N0} requests ({rows * 3:N0} lines), {new FileInfo(path).Length / 1e6:F1} MB in {sw.Elapsed.TotalSeconds:F1} s"));
    return 0;
}

if (args.Length >= 2 && args[0] is "import" or "import-k6")
{
    var path = args[1];
    var size = new FileInfo(path).Length;
    var sw = Stopwatch.StartNew();
    var result = await ResultImporter.ImportAsync(path, args[0] == "import-k6" ? "k6-json" : "jmeter");
    sw.Stop();
    var rows = result.Total.Requests;
    Console.WriteLine(FormattableString.Invariant(
        $"imported {rows:N0} rows ({size / 1e6:F1} MB) in {sw.Elapsed.TotalSeconds:F2} s: {rows / sw.Elapsed.TotalSeconds:N0} rows/s, {size / 1e6 / sw.Elapsed.TotalSeconds:F1} MB/s"));
    Console.WriteLine(FormattableString.Invariant(
        $"endpoints {result.Endpoints.Count}, intervals {result.Intervals.Count}, p99 {result.Total.Latency.P99:F1} ms, failures {result.Total.Failures:N0}"));
    Console.WriteLine(FormattableString.Invariant($"peak RSS (VmHWM) {PeakRssMb():F1} MB; GC heap now {GC.GetTotalMemory(false) / 1e6:F1} MB"));
    return 0;
}

if (args.Length >= 2 && args[0] == "parse")
{
    // CSV reader alone (no aggregation): the parsing share of the import time.
    var sw = Stopwatch.StartNew();
    using var csv = new Loadlens.Importers.Text.CsvReader(new StreamReader(args[1], Encoding.UTF8, true, 1 << 16), args[1]);
    long rows = 0, chars = 0;
    while (csv.Read())
    {
        rows++;
        chars += csv[2].Length;
    }

    Console.WriteLine(FormattableString.Invariant($"parsed {rows:N0} rows in {sw.Elapsed.TotalSeconds:F2} s: {rows / sw.Elapsed.TotalSeconds:N0} rows/s ({chars})"));
    return 0;
}

if (args.Length >= 2 && args[0] == "parse-sylvan")
{
    // The same work with Sylvan.Data.Csv, for comparison.
    var sw = Stopwatch.StartNew();
    using var csv = Sylvan.Data.Csv.CsvDataReader.Create(args[1], new Sylvan.Data.Csv.CsvDataReaderOptions { HasHeaders = true, BufferSize = 1 << 16 });
    long rows = 0, chars = 0;
    while (csv.Read())
    {
        rows++;
        chars += csv.GetFieldSpan(2).Length;
    }

    Console.WriteLine(FormattableString.Invariant($"sylvan parsed {rows:N0} rows in {sw.Elapsed.TotalSeconds:F2} s: {rows / sw.Elapsed.TotalSeconds:N0} rows/s ({chars})"));
    return 0;
}

if (args.Length >= 1 && args[0] == "decode-limit")
{
    // Does HdrHistogram.NET 2.5.0 (LatencyHistograms.Decode) read back large encoded histograms?
    foreach (var spread in new[] { 1_000, 5_000, 10_000, 23_000 })
    {
        var rng = new Random(spread);
        var compact = new Loadlens.Importers.Common.CompactHistogram();
        var hdr = Loadlens.Core.Metrics.LatencyHistograms.Create();
        for (var i = 0; i < spread; i++)
        {
            var v = Loadlens.Importers.Common.CompactHistogram.ValueFromIndex(i);
            var c = rng.Next(1, 1_000_000);
            compact.Record(v, c);
            hdr.RecordValueWithCount(Loadlens.Core.Metrics.LatencyHistograms.Clamp(v), c);
        }

        string Try(string encoded)
        {
            try
            {
                return Loadlens.Core.Metrics.LatencyHistograms.Decode(encoded).TotalCount == compact.TotalCount ? "ok" : "WRONG";
            }
            catch (FormatException ex)
            {
                return "FAILS (" + ex.Message[..Math.Min(60, ex.Message.Length)] + ")";
            }
        }

        string TryInflated(string encoded)
        {
            try
            {
                var bytes = Convert.FromBase64String(encoded);
                var length = System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(4));
                using var deflate = new System.IO.Compression.DeflateStream(new MemoryStream(bytes, 10, length - 2), System.IO.Compression.CompressionMode.Decompress);
                using var raw = new MemoryStream();
                deflate.CopyTo(raw);
                var h = HdrHistogram.HistogramEncoding.DecodeFromByteBuffer(HdrHistogram.Utilities.ByteBuffer.Allocate(raw.ToArray()), 0, null);
                return h.TotalCount == compact.TotalCount ? "ok" : "WRONG";
            }
            catch (Exception ex)
            {
                return "FAILS (" + ex.Message[..Math.Min(60, ex.Message.Length)] + ")";
            }
        }

        var mine = compact.Encode();
        Console.WriteLine($"  inflate-then-decode: compact {TryInflated(mine)}, hdr {TryInflated(Loadlens.Core.Metrics.LatencyHistograms.Encode(hdr))}");
        var theirs = Loadlens.Core.Metrics.LatencyHistograms.Encode(hdr);
        Console.WriteLine(FormattableString.Invariant($"{spread} buckets: compact {mine.Length * 3 / 4} B decode {Try(mine)}; HdrHistogram.NET {theirs.Length * 3 / 4} B decode {Try(theirs)}"));
    }

    return 0;
}

if (args.Length >= 1 && args[0] == "micro")
{
    var h = Loadlens.Core.Metrics.LatencyHistograms.Create();
    var sw = Stopwatch.StartNew();
    for (var i = 0; i < 10_000_000; i++)
    {
        h.RecordValue(1000 + (i & 0xFFFF));
    }

    Console.WriteLine(FormattableString.Invariant($"RecordValue: {sw.Elapsed.TotalMilliseconds * 1e6 / 10_000_000:F1} ns"));
    sw.Restart();
    for (var i = 0; i < 200; i++)
    {
        _ = Loadlens.Core.Metrics.LatencyHistograms.ToStats(h);
    }

    Console.WriteLine(FormattableString.Invariant($"ToStats: {sw.Elapsed.TotalMilliseconds / 200:F3} ms"));
    sw.Restart();
    for (var i = 0; i < 200; i++)
    {
        _ = Loadlens.Core.Metrics.LatencyHistograms.Encode(h);
    }

    Console.WriteLine(FormattableString.Invariant($"Encode: {sw.Elapsed.TotalMilliseconds / 200:F3} ms"));
    var agg = new Loadlens.Importers.Common.SampleAggregator();
    var ep = agg.Endpoint("GET", "/x");
    sw.Restart();
    for (var i = 0; i < 2_000_000; i++)
    {
        agg.Record(ep, 1_714_550_400_000L + (i / 5), 10 + (i & 63), false, 200, 100, 10, Loadlens.Core.Results.ErrorCategory.None, default);
    }

    Console.WriteLine(FormattableString.Invariant($"Record: {sw.Elapsed.TotalMilliseconds * 1e6 / 2_000_000:F1} ns"));
    sw.Restart();
    for (var i = 0; i < 2_000_000; i++)
    {
        ep = agg.Endpoint("GET", "/api/products/{id}");
    }

    Console.WriteLine(FormattableString.Invariant($"Endpoint: {sw.Elapsed.TotalMilliseconds * 1e6 / 2_000_000:F1} ns"));
    sw.Restart();
    for (var i = 0; i < 2_000_000; i++)
    {
        agg.Users(1_714_550_400_000L + (i / 5), 50);
    }

    Console.WriteLine(FormattableString.Invariant($"Users: {sw.Elapsed.TotalMilliseconds * 1e6 / 2_000_000:F1} ns"));
    return 0;
}

Console.Error.WriteLine("usage: gen PATH ROWS | import PATH");
return 2;

static double PeakRssMb()
{
    foreach (var line in File.ReadLines("/proc/self/status"))
    {
        if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
        {
            return double.Parse(line[6..].Trim().Split(' ')[0], CultureInfo.InvariantCulture) / 1024;
        }
    }

    return double.NaN;
}
