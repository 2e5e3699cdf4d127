using Microsoft.Playwright;

namespace Loadlens.Html.Tests;

/// <summary>
/// Where the browser is: Debian's Chromium, installed by <c>.ci/run</c>. Playwright drives it through its own driver
/// (shipped in the NuGet package); its browser download is never used.
/// </summary>
internal static class Browser
{
    public const string ChromiumPath = "/usr/bin/chromium";

    public static bool Available => File.Exists(ChromiumPath);

    /// <summary>In CI the browser tests must run: a missing browser fails them instead of skipping them.</summary>
    public static bool InCi => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>The folder of screenshots and PDFs the tests leave behind (under the test output folder).</summary>
    public static string Artifacts
    {
        get
        {
            var dir = Path.Combine(AppContext.BaseDirectory, "artifacts");
            Directory.CreateDirectory(dir);
            return dir;
        }
    }
}

/// <summary>A test that needs Chromium: skipped outside CI when it is not installed, run (and failing) in CI.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Browser.Available && !Browser.InCi)
        {
            Skip = $"Chromium is not installed at {Browser.ChromiumPath} (apt-get install chromium; .ci/run installs it)";
        }
    }
}

/// <summary>One headless Chromium for the whole collection.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public IBrowser Instance => _browser ?? throw new InvalidOperationException($"Chromium did not start (is {Browser.ChromiumPath} installed?)");

    public async Task InitializeAsync()
    {
        if (!Browser.Available && !Browser.InCi)
        {
            return;
        }

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Browser.ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    /// <summary>Open <paramref name="file"/> (file://, no network) in a fresh page that records what a reader would not see.</summary>
    public async Task<ReportPage> OpenAsync(string file, ColorScheme scheme = ColorScheme.Light, int width = 1280)
    {
        var context = await Instance.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
            ColorScheme = scheme,
            Offline = true,
        });
        var page = await context.NewPageAsync();
        var report = new ReportPage(context, page);
        await page.GotoAsync(new Uri(Path.GetFullPath(file)).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        await page.WaitForFunctionAsync("() => document.documentElement.dataset.ready === 'true'");
        return report;
    }
}

/// <summary>An open report page with what went wrong in it: console errors, page errors, dialogs, requests.</summary>
public sealed class ReportPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    internal ReportPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                ConsoleErrors.Add($"{message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => ConsoleErrors.Add("page error: " + error);
        page.Dialog += async (_, dialog) =>
        {
            Dialogs.Add(dialog.Message);
            await dialog.DismissAsync();
        };
        page.Request += (_, request) => Requests.Add(request.Url);
    }

    public IPage Page { get; }

    public List<string> ConsoleErrors { get; } = [];

    public List<string> Dialogs { get; } = [];

    public List<string> Requests { get; } = [];

    /// <summary>Save a full-page screenshot under the artifacts folder; returns its path.</summary>
    public async Task<string> ScreenshotAsync(string name)
    {
        var path = Path.Combine(Browser.Artifacts, name + ".png");
        await Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        return path;
    }

    public async ValueTask DisposeAsync() => await _context.CloseAsync();
}

[CollectionDefinition("browser")]
public sealed class BrowserTestGroup : ICollectionFixture<BrowserFixture>, ICollectionFixture<Reports>;
