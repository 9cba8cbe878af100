using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;

namespace FlexRegistry.Tests.Web;

/// <summary>
/// The web pages' defences, over HTTP as a browser without script would meet them: CSRF, session fixation and
/// revocation, open redirects, the Content-Security-Policy and cookie flags, sign-in throttles and lockout.
/// </summary>
public abstract class WebSecurityTests(RegistryApp app)
{
    private const string Password = "correct horse battery staple";

    [Fact]
    public async Task Csrf_FormPostedWithoutAToken_IsRefusedAndChangesNothing()
    {
        using var person = await app.SignedInPersonAsync();
        using var posted = await person.Web.PostAsync(new Uri("/assets/register", UriKind.Relative), new FormUrlEncodedContent(Form(TestData.Chargepoint())));
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        var assets = await person.Api.GetFromJsonAsync<Page<AssetSummary>>("/api/v1/assets");
        Assert.Empty(assets!.Items);

        // Anonymous forms too: no token, no organisation.
        using var anonymous = app.WebClient();
        var registration = TestData.Registration();
        using var register = await anonymous.PostAsync(new Uri("/register", UriKind.Relative), new FormUrlEncodedContent(
            [new("legalName", registration.LegalName!), new("companyNumber", registration.CompanyNumber!), new("declaration", "true")]));
        Assert.Equal(HttpStatusCode.BadRequest, register.StatusCode);
        using var op = await app.OperatorAsync();
        var found = await op.GetFromJsonAsync<Page<DirectoryEntry>>($"/api/v1/participants?query={registration.CompanyNumber}&status=provisional");
        Assert.Empty(found!.Items);
    }

    [Fact]
    public async Task Csrf_TokenFromAnotherPersonsPage_IsRefused()
    {
        using var alice = await app.SignedInPersonAsync();
        using var bob = await app.SignedInPersonAsync();
        var alicesToken = WebSessions.AntiforgeryToken(await alice.Web.HtmlAsync("/assets/register"));
        using var posted = await bob.Web.PostAsync(new Uri("/assets/register", UriKind.Relative),
            new FormUrlEncodedContent([.. Form(TestData.Chargepoint()), new("__RequestVerificationToken", alicesToken)]));
        Assert.Equal(HttpStatusCode.BadRequest, posted.StatusCode);
        Assert.Empty((await bob.Api.GetFromJsonAsync<Page<AssetSummary>>("/api/v1/assets"))!.Items);
    }

    [Fact]
    public async Task SessionFixation_SignInIssuesAFreshSession_AndCookiesPlantedBeforeItGrantNothing()
    {
        using var person = await app.SignedInPersonAsync();
        // The attacker's browser: whatever cookies the sign-in page hands out before anyone signs in.
        using var attacker = app.WebClient();
        var token = WebSessions.AntiforgeryToken(await attacker.HtmlAsync("/signin"));
        var planted = CookieHeader(attacker);
        Assert.DoesNotContain("flexreg.session", planted, StringComparison.Ordinal);

        // The victim signs in carrying the planted cookies.
        using var victim = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/signin")
        {
            Content = new FormUrlEncodedContent([new("email", person.Email), new("password", Password), new("__RequestVerificationToken", token)]),
        };
        signIn.Headers.Add("Cookie", planted);
        using var signedIn = await victim.SendAsync(signIn);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("flexreg.session=", StringComparison.Ordinal));
        Assert.DoesNotContain(session.Split(';')[0], planted, StringComparison.Ordinal);

        // The attacker's own cookies still open nothing.
        using var dashboard = await attacker.GetAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, dashboard.StatusCode);
        Assert.Equal("/signin", PathOf(dashboard));
    }

    [Fact]
    public async Task SessionFixation_AnAttackersOwnSessionPlantedOnTheVictim_NeverBecomesTheVictims()
    {
        using var victim = await app.SignedInPersonAsync();
        using var attacker = await app.SignedInPersonAsync();
        var planted = CookieHeader(attacker.Web);
        var token = WebSessions.AntiforgeryToken(await WithCookies(planted).HtmlAsync("/signin"));

        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var signIn = new HttpRequestMessage(HttpMethod.Post, "/signin")
        {
            Content = new FormUrlEncodedContent([new("email", victim.Email), new("password", Password), new("__RequestVerificationToken", token)]),
        };
        signIn.Headers.Add("Cookie", planted);
        using var signedIn = await browser.SendAsync(signIn);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("flexreg.session=", StringComparison.Ordinal)).Split(';')[0];
        Assert.DoesNotContain(session, planted, StringComparison.Ordinal);

        // The attacker's cookie is still the attacker's own session, never the victim's.
        var account = await WithCookies(planted).HtmlAsync("/account");
        Assert.Contains(attacker.Email, account, StringComparison.Ordinal);
        Assert.DoesNotContain(victim.Email, account, StringComparison.Ordinal);
        var victims = await WithCookies(session).HtmlAsync("/account");
        Assert.Contains(victim.Email, victims, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignOut_DeletesTheSession_SoACopiedCookieIsRefusedAfterwards()
    {
        using var person = await app.SignedInPersonAsync();
        var copied = CookieHeader(person.Web);
        using (var before = await WithCookies(copied).GetAsync(new Uri("/dashboard", UriKind.Relative)))
            Assert.True(before.StatusCode == HttpStatusCode.OK, $"{(int)before.StatusCode} {before.Headers.Location} with {copied}");

        using var signedOut = await person.Web.SubmitAsync("/dashboard", [], "/signout");
        Assert.True(signedOut.StatusCode == HttpStatusCode.Redirect, $"{(int)signedOut.StatusCode}: {await signedOut.Content.ReadAsStringAsync()}");

        using var after = await WithCookies(copied).GetAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/signin", PathOf(after));
    }

    [Theory]
    [InlineData("https://evil.example/phish")]
    [InlineData("//evil.example/phish")]
    [InlineData("/\\evil.example/phish")]
    [InlineData("javascript:alert(1)")]
    public async Task OpenRedirect_ReturnUrlOffTheSite_LandsOnTheDashboard(string returnUrl)
    {
        using var person = await app.SignedInPersonAsync();
        using var fresh = app.WebClient();
        using var signedIn = await fresh.SubmitAsync("/signin", [new("email", person.Email), new("password", Password), new("returnUrl", returnUrl)]);
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        Assert.Equal("/dashboard", signedIn.Headers.Location!.OriginalString);

        // A local return address is honoured.
        using var again = app.WebClient();
        using var local = await again.SubmitAsync("/signin", [new("email", person.Email), new("password", Password), new("returnUrl", "/assets?type=heat-pump")]);
        Assert.Equal("/assets?type=heat-pump", local.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task Pages_CarryAStrictContentSecurityPolicy_AndNoInlineScriptOrStyle()
    {
        using var person = await app.SignedInPersonAsync();
        using var anonymous = app.WebClient();
        foreach (var (client, path) in new[] { (anonymous, "/"), (anonymous, "/register"), (anonymous, "/signin"), (person.Web, "/dashboard"), (person.Web, "/assets/register") })
        {
            using var response = await client.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var csp = string.Join(' ', response.Headers.GetValues("Content-Security-Policy"));
            Assert.Contains("default-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
            Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);
            Assert.DoesNotContain("unsafe-eval", csp, StringComparison.Ordinal);
            Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
            Assert.Equal("same-origin", response.Headers.GetValues("Referrer-Policy").Single());
            var document = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(await response.Content.ReadAsStringAsync());
            Assert.All(document.QuerySelectorAll("script"), s => Assert.False(string.IsNullOrEmpty(s.GetAttribute("src")), $"{path} has an inline script"));
            Assert.Empty(document.QuerySelectorAll("[style]"));
            Assert.Empty(document.QuerySelectorAll("style"));
        }
        // The API keeps answering JSON problems, without the page policy's HTML error pages.
        using var api = await anonymous.GetAsync(new Uri("/api/v1/assets", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    [Fact]
    public async Task Cookies_AreHttpOnlyAndSameSite_AndSecureOverHttps()
    {
        using var person = await app.SignedInPersonAsync();
        using var https = app.WebClient(https: true);
        var token = WebSessions.AntiforgeryToken(await https.HtmlAsync("/signin"));
        using var signedIn = await https.PostAsync(new Uri("/signin", UriKind.Relative),
            new FormUrlEncodedContent([new("email", person.Email), new("password", Password), new("__RequestVerificationToken", token)]));
        Assert.Equal(HttpStatusCode.Redirect, signedIn.StatusCode);
        var session = signedIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("flexreg.session=", StringComparison.Ordinal)).ToLowerInvariant();
        Assert.Contains("httponly", session, StringComparison.Ordinal);
        Assert.Contains("samesite=lax", session, StringComparison.Ordinal);
        Assert.Contains("secure", session, StringComparison.Ordinal);
        using var fresh = app.WebClient(https: true);
        using var page = await fresh.GetAsync(new Uri("/register", UriKind.Relative));
        var antiforgery = page.Headers.GetValues("Set-Cookie").SingleOrDefault(c => c.StartsWith("flexreg.af=", StringComparison.Ordinal))?.ToLowerInvariant()
            ?? throw new InvalidOperationException("No antiforgery cookie was issued.");
        Assert.Contains("httponly", antiforgery, StringComparison.Ordinal);
        Assert.Contains("samesite=strict", antiforgery, StringComparison.Ordinal);
        Assert.Contains("secure", antiforgery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignIn_WrongPasswordFiveTimes_LocksTheAccount_AndTheFormRevealsNoAccounts()
    {
        using var person = await app.SignedInPersonAsync();
        using var client = app.WebClient();
        using (var unknown = await client.SubmitAsync("/signin", [new("email", "nobody." + Guid.NewGuid().ToString("N")[..8] + "@flex.example"), new("password", "whatever it is")]))
            Assert.Contains("The email address or password is not right", WebSessions.ErrorSummary(await unknown.Content.ReadAsStringAsync()));
        for (var i = 0; i < 5; i++)
        {
            using var wrong = await client.SubmitAsync("/signin", [new("email", person.Email), new("password", "not the password " + i)]);
            Assert.Equal(HttpStatusCode.OK, wrong.StatusCode);
        }
        using var right = await client.SubmitAsync("/signin", [new("email", person.Email), new("password", Password)]);
        Assert.Equal(HttpStatusCode.OK, right.StatusCode);
        Assert.Contains(WebSessions.ErrorSummary(await right.Content.ReadAsStringAsync()), e => e.StartsWith("There have been too many wrong passwords", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SignIn_IsThrottledPerAddress_LikeRegistration()
    {
        await using var throttled = app.WithWebHostBuilder(b => b
            .UseSetting("RateLimits:Enabled", "true").UseSetting("RateLimits:SignInsPerWindow", "3").UseSetting("RateLimits:SignInWindow", "00:10:00"));
        using var client = throttled.WebClient();
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await client.GetAsync(new Uri("/signin", UriKind.Relative));
            statuses.Add(response.StatusCode);
        }
        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.TooManyRequests], statuses);
    }

    [Fact]
    public async Task Suspension_BitesOnTheNextPageRequest()
    {
        using var person = await app.SignedInPersonAsync();
        using (var before = await person.Web.GetAsync(new Uri("/dashboard", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        using var op = await app.OperatorAsync();
        await op.ActOnParticipantAsync(person.ParticipantId, "verify", "Checked");
        await op.ActOnParticipantAsync(person.ParticipantId, "suspend", "Unpaid fees");
        using var after = await person.Web.GetAsync(new Uri("/dashboard", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, after.StatusCode);
        Assert.Equal("/signin", PathOf(after));
    }

    [Fact]
    public async Task RegistryOperatorAccounts_ActOnlyAfterTheirAuthenticatorCode()
    {
        using var person = await app.RegistryOperatorInviteeAsync();

        // Signed in with the password alone: not yet able to act for the registry operator.
        using (var refused = await person.Web.GetAsync(new Uri("/operator/participants", UriKind.Relative)))
            Assert.Equal("/forbidden", PathOf(refused));
        var setup = await person.Web.HtmlAsync("/account/two-factor");
        var key = new AngleSharp.Html.Parser.HtmlParser().ParseDocument(setup).QuerySelector("#authenticator-key")!.TextContent;
        using (var wrong = await person.Web.SubmitAsync("/account/two-factor", [new("code", "000000")]))
            Assert.Contains(WebSessions.ErrorSummary(await wrong.Content.ReadAsStringAsync()), e => e.StartsWith("The code is not right", StringComparison.Ordinal));
        using (var right = await person.Web.SubmitAsync("/account/two-factor", [new("code", Totp.Code(key))]))
            Assert.True(right.StatusCode == HttpStatusCode.Redirect, $"{(int)right.StatusCode} {await right.Content.ReadAsStringAsync()}");
        using (var queue = await person.Web.GetAsync(new Uri("/operator/participants", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.OK, queue.StatusCode);

        // Next time: password, then the code.
        using var fresh = app.WebClient();
        using (var password = await fresh.SubmitAsync("/signin", [new("email", person.Email), new("password", Password)]))
            Assert.Equal("/signin/two-factor", PathOf(password));
        using (var code = await fresh.SubmitAsync("/signin/two-factor", [new("code", Totp.Code(key))]))
            Assert.Equal("/dashboard", PathOf(code));
        using (var queue = await fresh.GetAsync(new Uri("/operator/participants", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.OK, queue.StatusCode);
    }

    internal static IEnumerable<KeyValuePair<string, string>> Form(RegisterAssetRequest a) =>
    [
        new("type", a.Type ?? ""), new("mpan", a.Mpan ?? ""), new("manufacturer", a.Manufacturer ?? ""), new("model", a.Model ?? ""),
        new("serialNumber", a.SerialNumber ?? ""), new("address.line1", a.Address?.Line1 ?? ""), new("address.town", a.Address?.Town ?? ""),
        new("address.postcode", a.Address?.Postcode ?? ""), new("importCapacityKw", a.ImportCapacityKw?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? ""),
        new("status", a.Status ?? ""), new("ownerConsent.reference", a.OwnerConsent?.Reference ?? ""), new("ownerConsent.method", a.OwnerConsent?.Method ?? ""),
        new("ownerConsent.date", a.OwnerConsent?.Date?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture) ?? ""),
    ];

    private static string PathOf(HttpResponseMessage redirect) =>
        redirect.Headers.Location is { IsAbsoluteUri: true } absolute ? absolute.AbsolutePath : redirect.Headers.Location!.OriginalString.Split('?')[0];

    /// <summary>The Cookie header a client's jar would send.</summary>
    private static string CookieHeader(HttpClient client) =>
        string.Join("; ", WebSessions.Cookies(client).GetCookies(new Uri("http://localhost/")).Select(c => $"{c.Name}={c.Value}"));

    private HttpClient WithCookies(string cookies)
    {
        var client = app.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        client.DefaultRequestHeaders.Add("Cookie", cookies);
        return client;
    }
}

public sealed class WebSecurityTests_Sqlite(SqliteApp app) : WebSecurityTests(app), IClassFixture<SqliteApp>;

public sealed class WebSecurityTests_Postgres(PostgresApp app) : WebSecurityTests(app), IClassFixture<PostgresApp>;
