using Loadlens.Engine;
using Spectre.Console;

namespace Loadlens.Cli.Infrastructure;

/// <summary>
/// Shows a run while it is going: a live panel on a terminal, plain periodic lines otherwise
/// (CI, pipes, redirected output), so logs stay readable.
/// </summary>
internal sealed class LiveView : IProgress<LiveSnapshot>
{
    private readonly IAnsiConsole _console;
    private readonly bool _interactive;
    private readonly TimeSpan _plainEvery;
    private readonly TextWriter _plain;
    private LiveSnapshot? _latest;
    private double _lastPlainAt = double.NegativeInfinity;
    private TaskCompletionSource? _done;
    private Task? _display;

    public LiveView(IAnsiConsole console, bool interactive, TextWriter plain, TimeSpan plainEvery)
    {
        _console = console;
        _interactive = interactive;
        _plain = plain;
        _plainEvery = plainEvery;
    }

    public void Report(LiveSnapshot value)
    {
        Volatile.Write(ref _latest, value);
        if (!_interactive && value.ElapsedSeconds - _lastPlainAt >= _plainEvery.TotalSeconds - 0.05)
        {
            _lastPlainAt = value.ElapsedSeconds;
            lock (_plain)
            {
                _plain.WriteLine(FormatPlain(value));
                _plain.Flush();
            }
        }
    }

    /// <summary>Show the live panel (terminals only) until <see cref="StopAsync"/>.</summary>
    public void Start(string title)
    {
        if (!_interactive || _display is not null)
        {
            return;
        }

        _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var done = _done.Task;
        _display = _console.Live(Render(title, null)).AutoClear(false).StartAsync(async ctx =>
        {
            while (!done.IsCompleted)
            {
                await Task.WhenAny(done, Task.Delay(250));
                ctx.UpdateTarget(Render(title, Volatile.Read(ref _latest)));
            }
        });
    }

    /// <summary>Stop the live panel, leaving its last state on screen.</summary>
    public async Task StopAsync()
    {
        if (_display is { } display)
        {
            _done!.TrySetResult();
            _display = null;
            await display;
        }
    }

    internal static string FormatPlain(LiveSnapshot s)
    {
        var total = s.PlannedSeconds is { } p ? $"/{p:0}s" : string.Empty;
        var phase = s.Warmup ? " warm-up" : string.Empty;
        var arrivals = s.Dropped > 0 || s.Late > 0 ? $" late {s.Late} dropped {s.Dropped}" : string.Empty;
        return $"[{s.ElapsedSeconds,6:0.0}s{total}]{phase} {s.RequestsPerSecond,8:0.0} req/s  p50 {s.P50Ms:0.##} ms  p95 {s.P95Ms:0.##} ms  p99 {s.P99Ms:0.##} ms  errors {s.TotalFailures} (+{s.IntervalFailures})  users {s.ActiveUsers}  total {s.TotalRequests}{arrivals}";
    }

    private static Panel Render(string title, LiveSnapshot? s)
    {
        var grid = new Grid().AddColumn().AddColumn();
        if (s is null)
        {
            grid.AddRow("[grey]starting…[/]", string.Empty);
            return new Panel(grid).Header(Markup.Escape(title));
        }

        var fraction = s.PlannedSeconds is { } planned && planned > 0 ? Math.Clamp(s.ElapsedSeconds / planned, 0, 1) : 0;
        const int width = 30;
        var filled = (int)Math.Round(fraction * width);
        var bar = $"[green]{new string('━', filled)}[/][grey]{new string('━', width - filled)}[/]";
        var time = s.PlannedSeconds is { } p ? $"{s.ElapsedSeconds:0.0}s / {p:0}s" : $"{s.ElapsedSeconds:0.0}s";
        grid.AddRow("[bold]progress[/]", $"{bar} {time}{(s.Warmup ? " [yellow](warm-up)[/]" : string.Empty)}");
        grid.AddRow("[bold]throughput[/]", $"{s.RequestsPerSecond:0.0} req/s (last interval)");
        grid.AddRow("[bold]latency[/]", $"p50 {s.P50Ms:0.##} ms   p95 {s.P95Ms:0.##} ms   p99 {s.P99Ms:0.##} ms");
        var errorColor = s.TotalFailures > 0 ? "red" : "green";
        grid.AddRow("[bold]errors[/]", $"[{errorColor}]{s.TotalFailures}[/] (+{s.IntervalFailures} last interval)");
        grid.AddRow("[bold]users[/]", $"{s.ActiveUsers} active, {s.TotalRequests} requests");
        if (s.Dropped > 0 || s.Late > 0)
        {
            grid.AddRow("[bold]arrivals[/]", $"[yellow]{s.Late} late, {s.Dropped} dropped[/]");
        }

        return new Panel(grid).Header(Markup.Escape(title)).Border(BoxBorder.Rounded);
    }
}
