using System.Text.Json;
using Microsoft.Playwright;

namespace FlexRegistry.Tests.Infrastructure;

public static class Repository
{
    public static string Root
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FlexRegistry.slnx")))
                dir = dir.Parent;
            return dir?.FullName ?? throw new InvalidOperationException("Cannot find the repository root (FlexRegistry.slnx) above " + AppContext.BaseDirectory);
        }
    }
}

/// <summary>
/// Debian's Chromium driven by Playwright (Playwright's own browser download is not reachable here; test.sh installs the
/// chromium package). One browser per test class; each person gets a context of their own (cookies, storage).
/// </summary>
public sealed class Chromium : IAsyncDisposable
{
    internal static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IPage, List<string>> ScriptErrors = new();

    public const string ExecutablePath = "/usr/bin/chromium";
    private readonly IPlaywright _playwright;
    private readonly IBrowser _browser;

    private Chromium(IPlaywright playwright, IBrowser browser) => (_playwright, _browser) = (playwright, browser);

    public static async Task<Chromium> LaunchAsync()
    {
        if (!File.Exists(ExecutablePath))
            Assert.Fail($"{ExecutablePath} is missing: install Debian's chromium package (test.sh does, as root).");
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                    "--disable-component-update", "--disable-sync"],
        });
        return new Chromium(playwright, browser);
    }

    /// <summary>A fresh browser profile (a new person) on the service.</summary>
    public async Task<IPage> NewPersonAsync(Uri baseAddress)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = baseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1280, Height = 900 },
            Locale = "en-GB",
            AcceptDownloads = true,
        });
        // 90 s, not Playwright's 30 s: in a full run on a 2-core machine shared with other builds, one form post
        // (adding a portfolio member, which runs the conflict checks) once took longer than 30 s; alone it takes under 1 s.
        context.SetDefaultTimeout(90_000);
        var page = await context.NewPageAsync();
        // Script errors and console errors (a CSP refusal shows up there) fail the page's next check.
        var errors = ScriptErrors.GetOrCreateValue(page);
        page.PageError += (_, error) => errors.Add(error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
                errors.Add(message.Text);
        };
        return page;
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }
}

/// <summary>axe-core (npm, tests/browser) run inside the page: WCAG 2.0, 2.1 and 2.2 A and AA rules.</summary>
public static class Axe
{
    private static readonly Lazy<string> Source = new(() =>
    {
        var path = Path.Combine(Repository.Root, "tests", "browser", "node_modules", "axe-core", "axe.min.js");
        if (!File.Exists(path))
            Assert.Fail($"{path} is missing: run `npm ci --prefix tests/browser` (test.sh does).");
        return File.ReadAllText(path);
    });

    /// <summary>Every page a browser test visits goes through this: zero violations.</summary>
    public static async Task AssertAccessibleAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        // Evaluated through the DevTools protocol, which the page's Content-Security-Policy does not govern: the page under
        // test keeps its real policy.
        if (!await page.EvaluateAsync<bool>("() => typeof window.axe === 'object'"))
            await page.EvaluateAsync(Source.Value);
        var violations = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
              return result.violations.map(v => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map(n => n.target.join(' ')) }));
            }
            """);
        Assert.True(violations.GetArrayLength() == 0, $"axe found WCAG 2.2 AA violations on {page.Url}: {violations}");
        if (Chromium.ScriptErrors.TryGetValue(page, out var errors))
            Assert.True(errors.Count == 0, $"script or console errors before {page.Url}: {string.Join(" | ", errors)}");
    }
}

/// <summary>Screenshots for docs/ui.md: into docs/ui/ when FLEXREG_UPDATE_SCREENSHOTS=1, else into TestResults/screenshots.</summary>
public static class Screenshots
{
    public static async Task TakeAsync(IPage page, string name)
    {
        ArgumentNullException.ThrowIfNull(page);
        var directory = Environment.GetEnvironmentVariable("FLEXREG_UPDATE_SCREENSHOTS") == "1"
            ? Path.Combine(Repository.Root, "docs", "ui")
            : Path.Combine(Repository.Root, "TestResults", "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }
}

/// <summary>The service on Kestrel (the browser needs a real port) with a fake SMTP server and a fake OpenID provider, and a browser.</summary>
public interface IBrowserApp
{
    Uri Address { get; }
    FakeSmtpServer Mail { get; }
    FakeOidcIssuer Idp { get; }
    Chromium Browser { get; }
}

public sealed class BrowserSqliteApp : SqliteApp, IBrowserApp
{
    private Chromium? _browser;

    public BrowserSqliteApp() => UseKestrel(0);

    public FakeSmtpServer Mail { get; } = new();
    public FakeOidcIssuer Idp { get; } = new();
    public Chromium Browser => _browser ?? throw new InvalidOperationException("Not started.");
    /// <summary>By name, not by IP: WebAuthn relying-party IDs (passkeys) must be domains, and localhost is one.</summary>
    public Uri Address => new UriBuilder(KestrelAddress.Of(Services)) { Host = "localhost" }.Uri;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [.. Idp.Settings, .. Mail.Settings];

    public override async ValueTask InitializeAsync()
    {
        await CreateDatabaseAsync();
        StartServer();
        _browser = await Chromium.LaunchAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        await base.DisposeAsync();
        await Mail.DisposeAsync();
        await Idp.DisposeAsync();
    }
}

public sealed class BrowserPostgresApp : PostgresApp, IBrowserApp
{
    private Chromium? _browser;

    public BrowserPostgresApp() => UseKestrel(0);

    public FakeSmtpServer Mail { get; } = new();
    public FakeOidcIssuer Idp { get; } = new();
    public Chromium Browser => _browser ?? throw new InvalidOperationException("Not started.");
    /// <summary>By name, not by IP: WebAuthn relying-party IDs (passkeys) must be domains, and localhost is one.</summary>
    public Uri Address => new UriBuilder(KestrelAddress.Of(Services)) { Host = "localhost" }.Uri;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => [.. Idp.Settings, .. Mail.Settings];

    public override async ValueTask InitializeAsync()
    {
        await CreateDatabaseAsync();
        StartServer();
        _browser = await Chromium.LaunchAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_browser is not null)
            await _browser.DisposeAsync();
        await base.DisposeAsync();
        await Mail.DisposeAsync();
        await Idp.DisposeAsync();
    }
}
