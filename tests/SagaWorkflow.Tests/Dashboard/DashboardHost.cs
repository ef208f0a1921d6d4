using Microsoft.Playwright;
using SagaWorkflow.Tests.Api;

namespace SagaWorkflow.Tests.Dashboard;

/// <summary>
/// A local-mode <c>serve</c> host (SQLite, in-memory bus, built-in executors; see <see cref="ApiHost"/>) and one headless
/// system Chromium. Each test opens its own browser context, so cookies (the stored API key) never leak between tests.
/// </summary>
public class DashboardHost : ApiHost, IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>Big enough for the 10,000-node definition of the big-graph test.</summary>
    protected override long MaxRequestBytes => 4 * 1024 * 1024;

    /// <summary>Where the tests leave a screenshot of each page (docs/ui/ holds copies).</summary>
    public static string Screenshots { get; } = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;

    /// <summary>The tests leave long delay nodes running; the in-process executor need not wait for them when the host stops.</summary>
    protected override IReadOnlyDictionary<string, string?> MoreSettings => new Dictionary<string, string?> { ["Executor:ShutdownDrainDeadline"] = "00:00:00" };

    public Uri Ui => new(Anonymous.BaseAddress!, "/ui/");

    async Task IAsyncLifetime.InitializeAsync()
    {
        await base.InitializeAsync();
        if (!File.Exists(BrowserFactAttribute.Chromium))
            return;
        _playwright = await Playwright.CreateAsync();
        // Live updates arrive within a second; the margin is for a machine busy with other tests.
        Assertions.SetDefaultExpectTimeout(15_000);
        // --no-sandbox: the tests run as root (CI does), where Chromium refuses its sandbox.
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = BrowserFactAttribute.Chromium, Headless = true, Args = ["--no-sandbox"] });
    }

    /// <summary>A fresh browser context (no cookies) on a desktop-sized window, and a page in it.</summary>
    public async Task<IPage> NewPageAsync(int width = 1280, int height = 860)
    {
        var context = await _browser!.NewContextAsync(new() { BaseURL = Ui.ToString(), ViewportSize = new() { Width = width, Height = height } });
        context.SetDefaultTimeout(30_000);
        return await context.NewPageAsync();
    }

    /// <summary>Stores the admin key through the key page, as an operator does once per browser session.</summary>
    public static async Task EnterKeyAsync(IPage page, string key = AdminKey)
    {
        await page.GotoAsync("key");
        await page.GetByLabel("API key", new() { Exact = true }).FillAsync(key);
        await page.GetByRole(AriaRole.Button, new() { Name = "Use this key" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/key", StringComparison.Ordinal));
    }

    public static Task ScreenshotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(Screenshots, name + ".png"), FullPage = true });

    async Task IAsyncLifetime.DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        _playwright?.Dispose();
        await base.DisposeAsync();
    }
}
