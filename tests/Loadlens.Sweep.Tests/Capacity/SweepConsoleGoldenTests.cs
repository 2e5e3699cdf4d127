using System.Runtime.CompilerServices;
using Loadlens.Analysis.Capacity;
using Loadlens.Reporting.Sweep;
using Spectre.Console.Testing;
using static Loadlens.Sweep.Tests.Capacity.SyntheticSweep;

namespace Loadlens.Sweep.Tests.Capacity;

/// <summary>The sweep console report as a whole on an exact sweep, fixed width and no colour, pinned in Golden/.</summary>
public sealed class SweepConsoleGoldenTests
{
    [Fact]
    public void Pool_plateau_console_report_matches_golden()
    {
        // 4 slots held 20 ms: X_max = 200 req/s; p99 = 1.5·R against a 100 ms SLA.
        var points = new[] { 1.0, 2, 4, 8, 16, 32 }.Select(n =>
        {
            var x = Math.Min(50 * n, 200);
            var r = 1000 * n / x;
            return new Point(n, x, r, r * 1.5);
        });
        var sweep = Build(points, sla: [new Core.Scenarios.SlaTarget { Endpoint = "*", P99Ms = 100 }]);
        var console = new TestConsole().Width(160);
        SweepConsoleRenderer.Write(console, sweep, CapacityAnalyzer.Analyze(sweep));
        AssertMatches("sweep-console.txt", console.Output.ReplaceLineEndings("\n"));
    }

    private static void AssertMatches(string fileName, string actual, [CallerFilePath] string source = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(source))!, "Golden", fileName);
        if (Environment.GetEnvironmentVariable("LOADLENS_UPDATE_GOLDEN") == "1" || !File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            Assert.Fail($"Golden file {path} was written; review and commit it, then run again without LOADLENS_UPDATE_GOLDEN=1.");
        }

        actual.ShouldBe(File.ReadAllText(path), $"console output differs from {path}; run with LOADLENS_UPDATE_GOLDEN=1 if the change is intended");
    }
}
