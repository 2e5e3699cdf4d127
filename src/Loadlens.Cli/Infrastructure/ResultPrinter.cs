using System.Globalization;
using Loadlens.Pipeline;
using Loadlens.Reporting.Console;
using Loadlens.Reporting.Sweep;

namespace Loadlens.Cli.Infrastructure;

/// <summary>Prints a <see cref="PipelineResult"/>: the console report, the files written, the generator line, then the messages.</summary>
internal static class ResultPrinter
{
    public static int Print(PipelineResult done, CliContext cli, bool console = true)
    {
        if (console && done.Sweep is { } sweep && done.Capacity is { } capacity)
        {
            SweepConsoleRenderer.Write(cli.Console, sweep, capacity);
            if (done.SweepComparison is { } baseline)
            {
                ComparisonConsoleRenderer.Write(cli.Console, baseline);
            }
        }
        else if (console && done.Run is null && done.Comparison is { } comparison)
        {
            ComparisonConsoleRenderer.Write(cli.Console, comparison);
        }
        else if (console && done.Sweep is null && done.SweepComparison is { } sweepComparison)
        {
            ComparisonConsoleRenderer.Write(cli.Console, sweepComparison);
        }
        else if (console && done.Run is { } run && done.Analysis is { } analysis)
        {
            ResultTableRenderer.Write(cli.Console, run);
            ServerEvidenceRenderer.Write(cli.Console, run);
            FindingsRenderer.Write(cli.Console, analysis);
            if (done.Comparison is { } baseline)
            {
                ComparisonConsoleRenderer.Write(cli.Console, baseline);
            }
        }

        if (done.OutputDirectory is { } directory)
        {
            cli.Out.WriteLine($"Results written to {directory}{Path.DirectorySeparatorChar}");
            foreach (var f in done.Files)
            {
                cli.Out.WriteLine($"  {Path.GetFileName(f)}");
            }
        }

        if (done.Sweep is null && done.Run?.Generator is { } generator && done.Scenario is not null)
        {
            cli.Out.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"Generator: {generator.Transport}, {generator.CpuMicrosPerRequest:0.0} µs CPU/request, CPU {generator.CpuUtilization:P0} avg / {generator.PeakCpuUtilization:P0} peak of {generator.Cores} core(s), peak RSS {generator.PeakRssBytes / (1024.0 * 1024):0} MiB"));
        }

        if (done.SavedId is { } saved)
        {
            cli.Out.WriteLine($"Saved to history as {saved} ({done.SavedTo})");
        }

        foreach (var message in done.Messages)
        {
            cli.Error.WriteLine(message);
        }

        return done.ExitCode;
    }
}
