using System.Net.Http.Json;
using System.Text.RegularExpressions;
using FlexRegistry.Cli.Sandbox;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Market;
using FlexRegistry.Tests.Onboarding;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.Playwright;

namespace FlexRegistry.Tests.Web;

/// <summary>
/// The service as people use it, in Debian's Chromium: every page visited is checked by axe-core (WCAG 2.2 AA), the
/// Content-Security-Policy stays on, and emails arrive through the SMTP adapter at a local mail server.
/// </summary>
public abstract class BrowserJourneyTests(IBrowserApp web, RegistryApp app)
{
    protected const string Password = "correct horse battery staple";

    protected static async Task<IPage> VisitAsync(IPage page, string path, string? screenshot = null)
    {
        await page.GotoAsync(path);
        await Axe.AssertAccessibleAsync(page);
        if (screenshot is not null)
            await Screenshots.TakeAsync(page, screenshot);
        return page;
    }

    protected static async Task CheckAsync(IPage page, string? screenshot = null)
    {
        await Axe.AssertAccessibleAsync(page);
        if (screenshot is not null)
            await Screenshots.TakeAsync(page, screenshot);
    }

    protected static Task ClickAsync(IPage page, string button) => page.GetByRole(AriaRole.Button, new() { Name = button, Exact = true }).ClickAsync();

    /// <summary>
    /// Clicks a form's button and waits for the page the form leads to (every form here posts and answers with a page or a
    /// redirect). Not a wait for a load state afterwards: that races the navigation the click starts (it may look at the old
    /// page, or at a document whose load it then never sees: a 90 s time-out after "Mark as onboarded" once, with
    /// Playwright logging "NetworkIdle event fired" while it waited for "load"). The new page is awaited from before
    /// the click: the old document is marked, and the wait is for a parsed document without the mark (the page the form
    /// led to, even at the same address), then for its heading.
    /// </summary>
    protected static async Task ClickAndWaitForPageAsync(IPage page, string button)
    {
        await page.EvaluateAsync("() => { window.flexregSubmitted = true; }");
        await ClickAsync(page, button);
        await page.WaitForFunctionAsync("() => window.flexregSubmitted === undefined && document.readyState !== 'loading'");
        await Assertions.Expect(page.Locator("h1").First).ToBeVisibleAsync();
    }

    /// <summary>Submits a form that should succeed: if the page comes back with an error summary, the test says what it lists.</summary>
    protected static async Task SubmitAsync(IPage page, string button)
    {
        await ClickAndWaitForPageAsync(page, button);
        var summary = page.Locator(".govuk-error-summary");
        if (await summary.CountAsync() > 0)
            Assert.Fail($"{page.Url} refused the form: {await summary.InnerTextAsync()}");
    }

    /// <summary>BUC.4 step 1 through the form; returns the new participant ID.</summary>
    protected static async Task<string> RegisterOrganisationAsync(IPage page, string name, string authorisedPersonEmail, bool showErrorsFirst)
    {
        await VisitAsync(page, "/register");
        if (showErrorsFirst)
        {
            await ClickAsync(page, "Register the organisation");
            await Assertions.Expect(page.Locator(".govuk-error-summary")).ToBeVisibleAsync();
            await Assertions.Expect(page).ToHaveTitleAsync(new Regex("^Error: "));
            await CheckAsync(page, "register-organisation-errors");
        }
        await page.Locator("#legalName").FillAsync(name);
        await page.Locator("#companyNumber").FillAsync(TestData.CompanyNumber());
        await page.Locator("#registeredAddress-line1").FillAsync("1 Station Road");
        await page.Locator("#registeredAddress-town").FillAsync("Cambridge");
        await page.Locator("#registeredAddress-postcode").FillAsync(TestData.Postcode());
        await page.Locator("#contactEmail").FillAsync("hello@" + authorisedPersonEmail.Split('@')[1]);
        await page.GetByLabel("Flexibility service provider (FSP)").CheckAsync();
        await page.Locator("#authorisedPerson-name").FillAsync("Ada Director");
        await page.Locator("#authorisedPerson-email").FillAsync(authorisedPersonEmail);
        await page.GetByLabel("I declare that the information is true").CheckAsync();
        await ClickAsync(page, "Register the organisation");
        await Assertions.Expect(page.Locator(".govuk-panel__title")).ToHaveTextAsync("Organisation registered");
        await CheckAsync(page, showErrorsFirst ? "register-organisation-done" : null);
        return (await page.Locator("#participant-id").TextContentAsync())!.Trim();
    }

    /// <summary>Opens the invitation emailed to <paramref name="email"/> and creates a local account.</summary>
    protected async Task<IPage> AcceptWithLocalAccountAsync(string email, string? screenshot = null)
    {
        var message = await web.Mail.WaitForAsync(email, "You are invited");
        var link = FakeSmtpServer.LinkIn(message, "/account/accept");
        var page = await web.Browser.NewPersonAsync(web.Address);
        await VisitAsync(page, link.PathAndQuery, screenshot);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("#confirmPassword").FillAsync(Password);
        await ClickAsync(page, "Create account");
        return page;
    }

    protected async Task<string> OperatorParticipantIdAsync()
    {
        var token = await app.TokenAsync(FlexRegistry.Auth.ApiClient.BootstrapClientId, RegistryApp.OperatorSecret);
        return new JsonWebToken(token).GetClaim("participant_id").Value;
    }

    protected static async Task SubmitExpectingErrorsAsync(IPage page, string button)
    {
        await ClickAndWaitForPageAsync(page, button);
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToBeVisibleAsync();
        await Assertions.Expect(page).ToHaveTitleAsync(new Regex("^Error: "));
    }

    /// <summary>An active organisation with these roles, and a person in it (every permission the roles allow) signed in through the emailed invitation.</summary>
    protected async Task<(IPage Page, Person Person)> PersonAsync(string role)
    {
        var (org, api) = await app.RegisterActiveAsync(TestData.Registration(roles: role));
        var email = $"p{Guid.NewGuid():N}"[..16] + "@flex.example";
        using (var invited = await api.PostAsJsonAsync($"/api/v1/participants/{org.ParticipantId}/users",
                   new InviteUserRequest { Email = email, Name = "Pat Person", Permissions = FlexRegistry.Auth.Scopes.AllowedFor([role]) }))
            Assert.True(invited.IsSuccessStatusCode, await invited.Content.ReadAsStringAsync());
        var page = await AcceptWithLocalAccountAsync(email);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/dashboard$"));
        return (page, new Person(api, org.ParticipantId));
    }

    protected sealed record Person(HttpClient Api, string ParticipantId);

    /// <summary>A registry-operator person: invited through the API, account created, authenticator app set up.</summary>
    protected async Task<IPage> RegistryOperatorPersonAsync()
    {
        using var op = await app.OperatorAsync();
        var operatorId = await OperatorParticipantIdAsync();
        var domain = "registry" + Guid.NewGuid().ToString("N")[..6] + ".example";
        (await op.PostAsJsonAsync($"/api/v1/participants/{operatorId}/email-domains", new ApproveEmailDomainRequest { Domain = domain })).EnsureSuccessStatusCode();
        var email = "olivia@" + domain;
        (await op.PostAsJsonAsync($"/api/v1/participants/{operatorId}/users",
            new InviteUserRequest { Email = email, Name = "Olivia Operator", Permissions = FlexRegistry.Auth.Scopes.All })).EnsureSuccessStatusCode();
        var page = await AcceptWithLocalAccountAsync(email);
        // Registry-operator accounts need a second factor before they can act.
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/account/two-factor$"));
        await CheckAsync(page);
        var key = (await page.Locator("#authenticator-key").TextContentAsync())!;
        await page.Locator("#code").FillAsync(Totp.Code(key));
        await ClickAsync(page, "Continue");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/dashboard$"));
        return page;
    }
}

/// <summary>The whole journey of the issue's "Must show", on SQLite.</summary>
public sealed class BrowserJourneyTests_Sqlite(BrowserSqliteApp app) : BrowserJourneyTests(app, app), IClassFixture<BrowserSqliteApp>
{
    [Fact]
    public async Task Journey_RegisterVerifyInviteSignInRegisterAssetUploadAndResolveADuplicate()
    {
        // The start page, anonymous.
        var ada = await app.Browser.NewPersonAsync(app.Address);
        await VisitAsync(ada, "/", "start");

        // BUC.4 step 1: an organisation registers, fixing the form's errors first.
        var participantId = await RegisterOrganisationAsync(ada, "Octoflex Energy Ltd", "ada@octoflex.example", showErrorsFirst: true);

        // The registry operator (password and authenticator code) verifies it.
        var olivia = await RegistryOperatorPersonAsync();
        await VisitAsync(olivia, "/operator/participants", "operator-verification-queue");
        await olivia.GetByRole(AriaRole.Link, new() { Name = "Octoflex Energy Ltd" }).ClickAsync();
        await CheckAsync(olivia, "operator-participant");
        await olivia.GetByLabel("Verify").CheckAsync();
        await olivia.Locator("#reason").FillAsync("Company checked against the Companies House record.");
        await ClickAsync(olivia, "Confirm");
        await Assertions.Expect(olivia.Locator("#main-content .govuk-tag").First).ToHaveTextAsync("active");

        // BUC.4 step 4: the Authorised Person's emailed invitation; a local account.
        ada = await AcceptWithLocalAccountAsync("ada@octoflex.example", "accept-invitation");
        await Assertions.Expect(ada).ToHaveURLAsync(new Regex("/dashboard$"));
        await CheckAsync(ada, "dashboard");

        // Ada invites Ben, whose organisation account is at an OpenID provider (authorization code + PKCE).
        await VisitAsync(ada, "/organisation");
        await ada.Locator("#name").FillAsync("Ben Engineer");
        await ada.Locator("#email").FillAsync("ben@octoflex.example");
        foreach (var permission in new[] { "participants:read", "assets:read", "assets:write", "assets:import" })
            await ada.GetByLabel(permission, new() { Exact = true }).CheckAsync();
        await ClickAsync(ada, "Send invitation");
        await Assertions.Expect(ada.Locator(".govuk-notification-banner__heading")).ToHaveTextAsync("Invitation emailed.");
        await CheckAsync(ada, "organisation-users");

        var invitation = FakeSmtpServer.LinkIn(await app.Mail.WaitForAsync("ben@octoflex.example", "You are invited"), "/account/accept");
        var ben = await app.Browser.NewPersonAsync(app.Address);
        await VisitAsync(ben, invitation.PathAndQuery);
        await ben.GetByRole(AriaRole.Link, new() { Name = "Accept with Fake identity provider" }).ClickAsync();
        await ben.Locator("#email").FillAsync("ben@octoflex.example");
        await ben.Locator("#subject").FillAsync("ben-" + Guid.NewGuid().ToString("N")[..8]);
        await ben.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(ben).ToHaveURLAsync(new Regex("/dashboard$"));
        Assert.True(app.Idp.PkceExchanges > 0, "the provider saw no PKCE code exchange");
        await CheckAsync(ben);

        // BUC.2 steps 2, 4, 5: Ben registers an asset, fixing a validation error (an MPAN whose check digit is wrong).
        var asset = TestData.Chargepoint();
        await VisitAsync(ben, "/assets/register");
        await ben.Locator("#type").SelectOptionAsync("ev-chargepoint");
        var wrongMpan = asset.Mpan![..12] + ((asset.Mpan[12] - '0' + 1) % 10).ToString(System.Globalization.CultureInfo.InvariantCulture);
        await ben.Locator("#mpan").FillAsync(wrongMpan);
        await ben.Locator("#manufacturer").FillAsync(asset.Manufacturer!);
        await ben.Locator("#model").FillAsync(asset.Model!);
        await ben.Locator("#serialNumber").FillAsync(asset.SerialNumber!);
        await ben.Locator("#address-line1").FillAsync(asset.Address!.Line1!);
        await ben.Locator("#address-town").FillAsync(asset.Address.Town!);
        await ben.Locator("#address-postcode").FillAsync(asset.Address.Postcode!);
        await ben.Locator("#importCapacityKw").FillAsync("7.4");
        await ben.GetByLabel("Yes, it is commissioned").CheckAsync();
        await ben.Locator("#commissioningDate").FillAsync("2024-05-01");
        await ben.Locator("#ownerConsent-reference").FillAsync(asset.OwnerConsent!.Reference!);
        await ben.Locator("#ownerConsent-method").SelectOptionAsync("signed-contract");
        await ben.Locator("#ownerConsent-date").FillAsync("2024-04-20");
        await ClickAsync(ben, "Register the asset");
        await Assertions.Expect(ben.Locator(".govuk-error-summary li")).ToHaveCountAsync(1);
        await Assertions.Expect(ben.Locator(".govuk-error-summary")).ToContainTextAsync("MPAN");
        await CheckAsync(ben, "register-asset-errors");
        await ben.Locator(".govuk-error-summary a[href='#mpan']").ClickAsync();
        await Assertions.Expect(ben.Locator("#mpan")).ToBeFocusedAsync();
        await ben.Locator("#mpan").FillAsync(asset.Mpan);
        await SubmitAsync(ben, "Register the asset");
        await Assertions.Expect(ben.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("Asset registered as FRA-EV-");
        await CheckAsync(ben, "asset");

        // BUC.2 step 1: a 10,000-row spreadsheet, with live progress to the end.
        var file = Path.Combine(Path.GetTempPath(), $"assets-{Guid.NewGuid():N}.csv");
        await GenerateAssets.RunAsync(new GenerateOptions(10_000, file, 0.02, 0.01, Random.Shared.Next(), "csv", 0));
        try
        {
            await VisitAsync(ben, "/assets/import", "import-upload");
            await ben.Locator("#file").SetInputFilesAsync(file);
            await ClickAsync(ben, "Upload and register");
            await Assertions.Expect(ben).ToHaveURLAsync(new Regex("/assets/imports/"));
            await CheckAsync(ben, "import-progress");
            await Assertions.Expect(ben.Locator("h1")).ToHaveTextAsync("Import finished", new() { Timeout = 180_000 });
            await Assertions.Expect(ben.Locator("[data-field=rowsProcessed]")).ToHaveTextAsync("10,000");
            await Assertions.Expect(ben.GetByRole(AriaRole.Link, new() { Name = "Download the results as CSV" })).ToBeVisibleAsync();
            await CheckAsync(ben, "import-finished");
            var download = await ben.RunAndWaitForDownloadAsync(() => ben.GetByRole(AriaRole.Link, new() { Name = "Download the results as CSV" }).ClickAsync());
            var results = await File.ReadAllLinesAsync((await download.PathAsync())!);
            Assert.Equal(10_001, results.Length);
        }
        finally
        {
            File.Delete(file);
            File.Delete(file + ".manifest.csv");
        }
        await VisitAsync(ben, "/assets", "assets-search");

        // The registry operator resolves one of the import's possible duplicates, the two records side by side.
        await VisitAsync(olivia, "/duplicates", "duplicates");
        await olivia.GetByRole(AriaRole.Link, new() { Name = "Review" }).First.ClickAsync();
        await CheckAsync(olivia, "duplicate-case");
        await olivia.Locator("#reason").FillAsync("Same serial plate photographed by the installer.");
        await ClickAsync(olivia, "Merge the records");
        await Assertions.Expect(olivia.Locator("#main-content .govuk-tag").First).ToHaveTextAsync("merged");
        await CheckAsync(olivia);
        await VisitAsync(olivia, "/operator/audit", "operator-audit");
        await ClickAsync(olivia, "Verify the audit log");
        await Assertions.Expect(olivia.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("The audit log is intact");
    }

    [Fact]
    public async Task Keyboard_RegisterAnOrganisation_WithTheKeyboardAlone()
    {
        var page = await app.Browser.NewPersonAsync(app.Address);
        await VisitAsync(page, "/register");
        // From the top of the page: the skip link first, then the navigation, then the form's fields in order.
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Skip to main content", (await page.EvaluateAsync<string>("() => document.activeElement.textContent")).Trim());
        await page.Keyboard.PressAsync("Enter");
        async Task TabTo(string id)
        {
            for (var i = 0; i < 10 && await page.EvaluateAsync<string>("() => document.activeElement.id") != id; i++)
                await page.Keyboard.PressAsync("Tab");
            Assert.Equal(id, await page.EvaluateAsync<string>("() => document.activeElement.id"));
        }
        async Task Type(string id, string text)
        {
            await TabTo(id);
            await page.Keyboard.TypeAsync(text);
        }
        await Type("legalName", "Keyboard Only Heat Ltd");
        await Type("companyNumber", TestData.CompanyNumber());
        await Type("registeredAddress-line1", "2 Quay Street");
        await Type("registeredAddress-town", "Bristol");
        await Type("registeredAddress-postcode", TestData.Postcode());
        await Type("contactEmail", "hello@keyboard.example");
        await TabTo("requestedRoles");
        await page.Keyboard.PressAsync("Space");
        await Type("authorisedPerson-name", "Kim Keys");
        await Type("authorisedPerson-email", "kim@keyboard.example");
        await TabTo("declaration");
        await page.Keyboard.PressAsync("Space");
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Register the organisation", (await page.EvaluateAsync<string>("() => document.activeElement.textContent")).Trim());
        await page.Keyboard.PressAsync("Enter");
        await Assertions.Expect(page.Locator(".govuk-panel__title")).ToHaveTextAsync("Organisation registered");
        await CheckAsync(page);
    }

    [Fact]
    public async Task Passkey_AddedToAnAccount_SignsInWithoutAPassword()
    {
        var page = await app.Browser.NewPersonAsync(app.Address);
        // A platform authenticator with user verification, as a phone or laptop offers (Chromium's virtual authenticator).
        var cdp = await page.Context.NewCDPSessionAsync(page);
        await cdp.SendAsync("WebAuthn.enable");
        await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
        {
            ["options"] = new Dictionary<string, object>
            {
                ["protocol"] = "ctap2",
                ["transport"] = "internal",
                ["hasResidentKey"] = true,
                ["hasUserVerification"] = true,
                ["isUserVerified"] = true,
                ["automaticPresenceSimulation"] = true,
            },
        });
        var email = $"pat{Guid.NewGuid():N}"[..12] + "@octoflex.example";
        await RegisterOrganisationAsync(page, "Passkey Power " + Guid.NewGuid().ToString("N")[..6] + " Ltd", email, showErrorsFirst: false);
        var message = await app.Mail.WaitForAsync(email, "You are invited");
        await page.GotoAsync(FakeSmtpServer.LinkIn(message, "/account/accept").PathAndQuery);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("#confirmPassword").FillAsync(Password);
        await ClickAsync(page, "Create account");
        await VisitAsync(page, "/account", "account");
        await ClickAsync(page, "Add a passkey");
        try
        {
            await page.WaitForURLAsync(new Regex("done=passkey|handler=Passkey"));
        }
        catch (TimeoutException)
        {
            Assert.Fail("No passkey was added; script errors: " + string.Join(" | ", Chromium.ScriptErrors.TryGetValue(page, out var e) ? e : []));
        }
        if (!page.Url.Contains("done=passkey", StringComparison.Ordinal))
            Assert.Fail($"Adding the passkey answered {page.Url}: {await page.Locator("main").InnerTextAsync()}");
        await CheckAsync(page);
        await Assertions.Expect(page.Locator(".govuk-notification-banner__heading")).ToHaveTextAsync("Your passkey has been added");

        await page.Context.ClearCookiesAsync();
        await VisitAsync(page, "/signin", "sign-in");
        await ClickAsync(page, "Sign in with a passkey");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/dashboard$"));
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Dashboard");
    }

    [Fact]
    public async Task EmailedLink_SignsInOnce()
    {
        var page = await app.Browser.NewPersonAsync(app.Address);
        var email = $"lin{Guid.NewGuid():N}"[..12] + "@octoflex.example";
        await RegisterOrganisationAsync(page, "Link Light " + Guid.NewGuid().ToString("N")[..6] + " Ltd", email, showErrorsFirst: false);
        page = await AcceptWithLocalAccountAsync(email);
        await page.Context.ClearCookiesAsync();
        await VisitAsync(page, "/signin/link");
        await page.Locator("#email").FillAsync(email);
        await ClickAsync(page, "Send the link");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Check your email");
        var link = FakeSmtpServer.LinkIn(await app.Mail.WaitForAsync(email, "sign-in link"), "/signin/link/continue");
        await VisitAsync(page, link.PathAndQuery);
        await ClickAsync(page, "Continue to FlexRegistry");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/dashboard$"));

        // The same link again: spent.
        await page.Context.ClearCookiesAsync();
        await page.GotoAsync(link.PathAndQuery);
        await ClickAsync(page, "Continue to FlexRegistry");
        await Assertions.Expect(page.Locator(".govuk-error-summary")).ToContainTextAsync("already been used");
    }

    /// <summary>
    /// Seed 003 in the pages (issue 18's "who operates which asset for what"): an FSP claims a flex owner's asset and adds
    /// it to its portfolio, a market operator defines a product and proposes a contract the FSP accepts, a system operator
    /// whose contract on the same asset is not stackable with it sees the conflict, and the owner sees who operates the
    /// asset; grants and the access log (issue 16). Every page is checked by axe-core.
    /// </summary>
    [Fact]
    public async Task Journey_FspClaimsAndAddsToPortfolio_MoContracts_SoSeesTheConflict_OwnerSeesTheOperator()
    {
        var (ownerPage, owner) = await PersonAsync("flex-owner");
        var (fspPage, fsp) = await PersonAsync("fsp");
        var (moPage, mo) = await PersonAsync("market-operator");
        var (soPage, so) = await PersonAsync("system-operator");
        var (_, fsp2) = await app.RegisterActiveAsync();
        using var _fsp2 = fsp2;
        var (asset, _) = await owner.Api.RegisterChargepointAsync(7.4m);
        var portfolio = await fsp.Api.RegisterPortfolioAsync();

        // The FSP claims the asset for DSO services with the owner's consent (the form's errors first) and adds it to its portfolio.
        await VisitAsync(fspPage, "/claims");
        await ClickAsync(fspPage, "Claim the asset");
        await Assertions.Expect(fspPage.Locator(".govuk-error-summary")).ToBeVisibleAsync();
        await CheckAsync(fspPage, "claims-errors");
        await fspPage.Locator("#assetId").FillAsync(asset);
        await fspPage.Locator("#serviceClass").SelectOptionAsync("dso-flexibility");
        await fspPage.Locator("#from").FillAsync(MarketTestData.Today.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await fspPage.Locator("#consent-reference").FillAsync("OWNER-OK-" + Guid.NewGuid().ToString("N")[..8]);
        await fspPage.Locator("#consent-method").SelectOptionAsync("signed-contract");
        await fspPage.Locator("#consent-date").FillAsync(MarketTestData.Today.AddDays(-10).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await SubmitAsync(fspPage, "Claim the asset");
        await Assertions.Expect(fspPage.Locator(".govuk-notification-banner__heading")).ToHaveTextAsync("Claim recorded.");
        await CheckAsync(fspPage, "claims");
        await VisitAsync(fspPage, "/portfolios", "portfolios");
        await fspPage.GetByRole(AriaRole.Link, new() { Name = portfolio }).ClickAsync();
        await fspPage.Locator("#members-0-assetId").FillAsync(asset);
        await SubmitAsync(fspPage, "Add the member");
        await Assertions.Expect(fspPage.Locator("[data-field=currentMembers]")).ToHaveTextAsync("1");
        await CheckAsync(fspPage, "portfolio");

        // Another FSP holds the same asset in a portfolio contracted to the SO's Quick Reserve, every evening (over the API).
        using (var claim = await fsp2.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, "neso-reserve", MarketTestData.Now.AddDays(-2))))
            Assert.True(claim.IsSuccessStatusCode, await claim.Content.ReadAsStringAsync());
        var portfolio2 = await fsp2.RegisterPortfolioAsync();
        await fsp2.AddMembersAsync(portfolio2, (asset, null));
        var quickReserve = await so.Api.DefineProductAsync("neso-quick-reserve", MarketTestData.EveningAllYear);
        await MarketTestData.ContractAsync(fsp2, so.Api, portfolio2, quickReserve, 5m);

        // The market operator defines a DSO Secure product in the page and proposes a contract on the FSP's portfolio.
        await VisitAsync(moPage, "/products");
        await moPage.Locator("#template").SelectOptionAsync("dso-secure");
        await moPage.Locator("#name").FillAsync("Secure winter peak " + Guid.NewGuid().ToString("N")[..6]);
        await moPage.GetByLabel("Up (more generation or less demand)").CheckAsync();
        await moPage.Locator("#validFrom").FillAsync(MarketTestData.Year.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await moPage.Locator("#validTo").FillAsync(MarketTestData.Year.AddYears(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await moPage.Locator("#windows-0-recurrence").FillAsync(MarketTestData.WinterPeak.Recurrence!);
        await moPage.Locator("#windows-0-start").FillAsync("17:00");
        await moPage.Locator("#windows-0-end").FillAsync("19:00");
        await SubmitAsync(moPage, "Define the product");
        await Assertions.Expect(moPage.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("defined");
        await CheckAsync(moPage, "products");
        var product = (await moPage.Locator("[data-field=productId]").First.TextContentAsync())!.Trim();
        await VisitAsync(moPage, "/contracts");
        await moPage.Locator("#portfolioId").FillAsync(portfolio);
        await moPage.Locator("#productId").FillAsync(product);
        await moPage.Locator("#from").FillAsync(MarketTestData.Today.AddDays(-1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await moPage.Locator("#to").FillAsync(MarketTestData.Today.AddDays(300).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await moPage.Locator("#contractedCapacityKw").FillAsync("5");
        await SubmitAsync(moPage, "Propose the contract");
        await Assertions.Expect(moPage.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("Contract proposed.");

        // The FSP accepts it: the conflict is recorded.
        await VisitAsync(fspPage, "/contracts");
        await fspPage.GetByRole(AriaRole.Button, new() { NameRegex = new Regex("^Accept contract ") }).ClickAsync();
        await Assertions.Expect(fspPage.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("1 conflict");
        await CheckAsync(fspPage, "contracts");
        await fspPage.Locator("#main-content a[href^='/contracts/']").First.ClickAsync();
        await Assertions.Expect(fspPage.Locator("#conflicts")).ToBeVisibleAsync();
        await CheckAsync(fspPage, "contract");

        // The product's page: the eligibility check over the FSP's asset, per asset what is missing and what it would conflict with.
        await VisitAsync(fspPage, $"/products/{product}");
        await fspPage.Locator("#assetIds").FillAsync(asset);
        await ClickAsync(fspPage, "Check eligibility");
        await Assertions.Expect(fspPage.Locator("#eligibility")).ToContainTextAsync(asset);
        await CheckAsync(fspPage, "product-eligibility");

        // The system operator sees the conflict, without the other side's contract or portfolio.
        await VisitAsync(soPage, "/conflicts", "conflicts");
        await soPage.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^" + Regex.Escape(asset)) }).ClickAsync();
        await Assertions.Expect(soPage.Locator("h1")).ToContainTextAsync(asset);
        await Assertions.Expect(soPage.Locator("main")).ToContainTextAsync("not-stackable");
        await Assertions.Expect(soPage.Locator("main")).Not.ToContainTextAsync(portfolio);
        await CheckAsync(soPage, "conflict");

        // The owner sees who operates the asset for what, and what it is committed to.
        await VisitAsync(ownerPage, "/owner");
        await ownerPage.GetByRole(AriaRole.Link, new() { Name = asset }).ClickAsync();
        await Assertions.Expect(ownerPage.Locator("#operators")).ToContainTextAsync("dso-flexibility");
        await Assertions.Expect(ownerPage.Locator("#operators")).ToContainTextAsync("neso-reserve");
        await CheckAsync(ownerPage, "owner-view");

        // Issue 16: the owner grants market operators its assets' addresses; the market operator reads the asset for
        // procurement; the owner sees the read in its access log.
        await VisitAsync(ownerPage, "/organisation/grants");
        await ownerPage.Locator("#granteeRole").SelectOptionAsync("market-operator");
        await ownerPage.Locator("#part").SelectOptionAsync("asset.address");
        await ownerPage.Locator("#purpose").SelectOptionAsync("procurement");
        await ownerPage.Locator("#expiresAt").FillAsync(MarketTestData.Today.AddDays(90).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
        await SubmitAsync(ownerPage, "Give the grant");
        await Assertions.Expect(ownerPage.Locator("#given")).ToContainTextAsync("asset.address");
        await CheckAsync(ownerPage, "grants");
        await VisitAsync(moPage, $"/assets/{asset}?purpose=procurement");
        await Assertions.Expect(moPage.Locator("main")).ToContainTextAsync(asset);
        await VisitAsync(ownerPage, "/organisation/access-log");
        await Assertions.Expect(ownerPage.Locator("main table").First).ToContainTextAsync(mo.ParticipantId);
        await CheckAsync(ownerPage, "access-log");
    }

    /// <summary>
    /// BUC.4 steps 3 and 5–7 in the pages: a market operator publishes a market with a required document, an FSP applies
    /// (expressing interest) and grants what the market needs in one action, the operator asks for the document, the FSP
    /// uploads it from its task list, the operator accepts it and marks the FSP onboarded. Every page is checked by axe-core.
    /// </summary>
    [Fact]
    public async Task BUC4_Journey_MoPublishesAMarket_FspAppliesAndGrants_MoRequestsADocument_FspUploads_MoAcceptsAndOnboards()
    {
        var (moPage, mo) = await PersonAsync("market-operator");
        var (fspPage, fsp) = await PersonAsync("fsp");
        var name = "Winter peak " + Guid.NewGuid().ToString("N")[..6];

        // Step 3: the market and its requirements (the form's errors first).
        await VisitAsync(moPage, "/markets/publish");
        await SubmitExpectingErrorsAsync(moPage, "Publish the market");
        await CheckAsync(moPage, "publish-market-errors");
        await moPage.Locator("#name").FillAsync(name);
        await moPage.Locator("#description").FillAsync("Local flexibility for the winter peak in London.");
        await moPage.GetByLabel("London (_C)").CheckAsync();
        await moPage.GetByLabel("commercial-information.insurance").CheckAsync();
        await moPage.Locator("#documentCodes-0").FillAsync("insurance-certificate");
        await moPage.Locator("#documentDescriptions-0").FillAsync("Certificate of public liability insurance.");
        await moPage.Locator("#requirements-rules").FillAsync("A dispatch test within six months.");
        await SubmitAsync(moPage, "Publish the market");
        await Assertions.Expect(moPage.Locator(".govuk-notification-banner__heading")).ToHaveTextAsync("Market published.");
        await CheckAsync(moPage, "market");
        var marketPath = new Uri(moPage.Url).AbsolutePath;
        // The operator changes it (the form starts from the market as it is; its errors first).
        await moPage.GetByRole(AriaRole.Link, new() { Name = "Change the market" }).ClickAsync();
        await Assertions.Expect(moPage.Locator("#name")).ToHaveValueAsync(name);
        await CheckAsync(moPage);
        await moPage.Locator("#contactEmail").FillAsync("not an email");
        await SubmitExpectingErrorsAsync(moPage, "Save the changes");
        await CheckAsync(moPage, "change-market-errors");
        await moPage.Locator("#contactEmail").FillAsync("markets@dso.example");
        await SubmitAsync(moPage, "Save the changes");
        await Assertions.Expect(moPage.Locator(".govuk-notification-banner__heading")).ToHaveTextAsync("Market changed.");
        await CheckAsync(moPage);

        // Step 5: the FSP finds it and applies; step 6: one action grants what the market requires.
        await VisitAsync(fspPage, "/markets?gspGroup=_C", "markets");
        await fspPage.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await CheckAsync(fspPage);
        await fspPage.Locator("#note").FillAsync("Aggregated chargepoints in London.");
        await SubmitAsync(fspPage, "Apply to join the market");
        await Assertions.Expect(fspPage.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("Application sent.");
        await SubmitAsync(fspPage, "Grant the operator this information");
        await Assertions.Expect(fspPage.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("commercial-information.insurance");
        await CheckAsync(fspPage);
        var onboardingPath = new Uri(fspPage.Url).AbsolutePath;

        // Step 7: the operator sees the applicant and asks for the document.
        await VisitAsync(moPage, "/onboardings");
        await moPage.GetByRole(AriaRole.Link, new() { NameRegex = new Regex("^" + Regex.Escape(name)) }).ClickAsync();
        await moPage.Locator("#kind").SelectOptionAsync("document");
        await moPage.Locator("#subject").FillAsync("insurance-certificate");
        await moPage.Locator("#description").FillAsync("Your insurance certificate, please.");
        await SubmitAsync(moPage, "Send the request");
        await Assertions.Expect(moPage.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("Request sent");
        await CheckAsync(moPage);

        // The FSP's task list; it uploads the document.
        await VisitAsync(fspPage, onboardingPath, "onboarding-task-list");
        await Assertions.Expect(fspPage.Locator(".govuk-task-list__status").First).ToHaveTextAsync("To do");
        await fspPage.GetByRole(AriaRole.Link, new() { Name = "Document: insurance-certificate" }).ClickAsync();
        await CheckAsync(fspPage);
        // A scan over the form's size limit: the page comes back with the error summary (not a bare 413 or a reset connection).
        await fspPage.Locator("#file").SetInputFilesAsync(new FilePayload
        {
            Name = "scan.pdf",
            MimeType = "application/pdf",
            Buffer = [.. "%PDF-1.4\n"u8.ToArray(), .. new byte[2_500_000]],
        });
        await SubmitExpectingErrorsAsync(fspPage, "Upload the document");
        await Assertions.Expect(fspPage.Locator(".govuk-error-summary")).ToContainTextAsync("The selected file must be smaller than 1 MB");
        await CheckAsync(fspPage, "onboarding-upload-too-large");
        await fspPage.Locator("#file").SetInputFilesAsync(new FilePayload
        {
            Name = "certificate.pdf",
            MimeType = "application/pdf",
            Buffer = "%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"u8.ToArray(),
        });
        await SubmitAsync(fspPage, "Upload the document");
        await Assertions.Expect(fspPage.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("Document uploaded");
        await CheckAsync(fspPage);

        // The operator accepts the answer and marks the FSP onboarded.
        await VisitAsync(moPage, onboardingPath);
        await moPage.GetByRole(AriaRole.Link, new() { Name = "Document: insurance-certificate" }).ClickAsync();
        await Assertions.Expect(moPage.Locator("#document-link")).ToBeVisibleAsync();
        await CheckAsync(moPage, "onboarding-request-review");
        await SubmitAsync(moPage, "Accept the answer");
        await VisitAsync(moPage, onboardingPath);
        await SubmitAsync(moPage, "Mark as onboarded");
        await Assertions.Expect(moPage.Locator("[data-field=status]")).ToHaveTextAsync("onboarded");
        await CheckAsync(moPage, "onboarding-onboarded");
        var onboardings = await fsp.Api.GetFromJsonAsync<Page<OnboardingResponse>>("/api/v1/onboardings?status=onboarded");
        Assert.Single(onboardings!.Items);

        // The operator closes the market to applications; the FSP withdraws its interest in the operator's markets.
        await VisitAsync(moPage, marketPath);
        await SubmitAsync(moPage, "Close the market to applications");
        await Assertions.Expect(moPage.Locator(".govuk-notification-banner__heading")).ToHaveTextAsync("Market closed to applications.");
        await CheckAsync(moPage, "market-closed");
        await VisitAsync(fspPage, "/onboardings");
        await ClickAndWaitForPageAsync(fspPage, "Withdraw interest in " + mo.ParticipantId);
        await Assertions.Expect(fspPage.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("Interest withdrawn");
        await CheckAsync(fspPage, "interest-withdrawn");
        Assert.Empty((await fsp.Api.GetFromJsonAsync<Page<MarketInterestResponse>>($"/api/v1/participants/{fsp.ParticipantId}/market-interests"))!.Items);
    }

    /// <summary>
    /// BUC.4 step 3 in the page: an FSP's commercial information, section by section, its errors first; the dry-run check
    /// against a market that requires more; then saved. Every page is checked by axe-core.
    /// </summary>
    [Fact]
    public async Task BUC4_Journey_FspFillsInItsCommercialInformation_ChecksItAgainstAMarket_AndSavesIt()
    {
        var (_, mo) = await PersonAsync("market-operator");
        var (fspPage, fsp) = await PersonAsync("fsp");
        var market = await mo.Api.PublishAsync(OnboardingTestData.Market(sections: "commercial-information.trading-names"));
        await VisitAsync(fspPage, "/organisation/commercial-information");
        await fspPage.Locator("#contacts-0-purpose").SelectOptionAsync("commercial");
        await fspPage.Locator("#contacts-0-name").FillAsync("Chris Sales");
        await fspPage.Locator("#contacts-0-email").FillAsync("sales@flex.example");
        await fspPage.Locator("#contacts-1-purpose").SelectOptionAsync("operational");
        await fspPage.Locator("#contacts-1-name").FillAsync("Control Room");
        await fspPage.Locator("#contacts-1-email").FillAsync("control@flex.example");
        await fspPage.Locator("#contacts-1-phone").FillAsync("+44 20 7946 0000");
        await fspPage.Locator("#bankDetails-accountName").FillAsync("Bright Flex Ltd");
        await fspPage.Locator("#bankDetails-sortCode").FillAsync("40-47-8");
        await fspPage.Locator("#bankDetails-accountNumber").FillAsync("70872490");
        await fspPage.Locator("#insurance-insurer").FillAsync("Example Mutual");
        await fspPage.Locator("#insurance-policyNumber").FillAsync("PL-123456");
        await fspPage.Locator("#insurance-publicLiabilityCoverGbp").FillAsync("5000000");
        await fspPage.Locator("#insurance-expiresOn").FillAsync("2099-12-31");
        await fspPage.Locator("#icoRegistrationNumber").FillAsync("ZA123456");
        await SubmitExpectingErrorsAsync(fspPage, "Save commercial information");
        await Assertions.Expect(fspPage.Locator(".govuk-error-summary li")).ToHaveCountAsync(1);
        await CheckAsync(fspPage, "commercial-information-errors");
        await fspPage.Locator(".govuk-error-summary a[href='#bankDetails-sortCode']").ClickAsync();
        await Assertions.Expect(fspPage.Locator("#bankDetails-sortCode")).ToBeFocusedAsync();
        await fspPage.Locator("#bankDetails-sortCode").FillAsync("40-47-84");
        // The market also requires trading names: the check says so beside the field, and saves nothing.
        await fspPage.Locator("#market").SelectOptionAsync(market.MarketId);
        await SubmitExpectingErrorsAsync(fspPage, "Check against the requirements");
        await Assertions.Expect(fspPage.Locator(".govuk-error-summary a[href='#tradingNames']")).ToBeVisibleAsync();
        await CheckAsync(fspPage, "commercial-information-check");
        await fspPage.Locator("#tradingNames").FillAsync("Bright Flex");
        await SubmitAsync(fspPage, "Check against the requirements");
        await Assertions.Expect(fspPage.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("meets every requirement");
        await CheckAsync(fspPage);
        await SubmitAsync(fspPage, "Save commercial information");
        await Assertions.Expect(fspPage.Locator(".govuk-notification-banner__heading")).ToHaveTextAsync("Commercial information saved.");
        await CheckAsync(fspPage, "commercial-information");
        var stored = await fsp.Api.GetFromJsonAsync<CommercialInformationResponse>($"/api/v1/participants/{fsp.ParticipantId}/commercial-information");
        Assert.Equal(["Bright Flex"], stored!.Information.TradingNames);
        Assert.Equal("40-47-84", stored.Information.BankDetails!.SortCode);
    }
}

/// <summary>A smoke pass of the journey on PostgreSQL: register, accept, sign in again, register an asset; a market published and applied to.</summary>
public sealed class BrowserJourneyTests_Postgres(BrowserPostgresApp app) : BrowserJourneyTests(app, app), IClassFixture<BrowserPostgresApp>
{
    /// <summary>BUC.4 steps 3 and 5 on PostgreSQL: the operator publishes a market in the page, the FSP applies, the operator sees the applicant.</summary>
    [Fact]
    public async Task Smoke_BUC4_MoPublishesAMarket_FspApplies_MoSeesTheApplicant()
    {
        var (moPage, _) = await PersonAsync("market-operator");
        var (fspPage, fsp) = await PersonAsync("fsp");
        var name = "Postgres peak " + Guid.NewGuid().ToString("N")[..6];
        await VisitAsync(moPage, "/markets/publish");
        await moPage.Locator("#name").FillAsync(name);
        await moPage.GetByLabel("London (_C)").CheckAsync();
        await SubmitAsync(moPage, "Publish the market");
        await Assertions.Expect(moPage.Locator(".govuk-notification-banner__heading")).ToHaveTextAsync("Market published.");
        var marketPath = new Uri(moPage.Url).AbsolutePath;
        await VisitAsync(fspPage, "/markets?gspGroup=_C");
        await fspPage.GetByRole(AriaRole.Link, new() { Name = name }).ClickAsync();
        await CheckAsync(fspPage);
        await SubmitAsync(fspPage, "Apply to join the market");
        await Assertions.Expect(fspPage.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("Application sent.");
        await CheckAsync(fspPage);
        await VisitAsync(moPage, marketPath);
        await Assertions.Expect(moPage.Locator("#applicants")).ToContainTextAsync(fsp.ParticipantId);
    }

    [Fact]
    public async Task Smoke_RegisterAcceptSignInAndRegisterAnAsset()
    {
        var page = await app.Browser.NewPersonAsync(app.Address);
        var email = $"pg{Guid.NewGuid():N}"[..12] + "@octoflex.example";
        await RegisterOrganisationAsync(page, "Postgres Flex " + Guid.NewGuid().ToString("N")[..6] + " Ltd", email, showErrorsFirst: true);
        page = await AcceptWithLocalAccountAsync(email);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/dashboard$"));
        await page.Context.ClearCookiesAsync();
        await VisitAsync(page, "/signin");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(Password);
        await ClickAsync(page, "Sign in");
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/dashboard$"));
        var asset = TestData.Chargepoint();
        await VisitAsync(page, "/assets/register");
        await page.Locator("#type").SelectOptionAsync("heat-pump");
        await page.Locator("#mpan").FillAsync(asset.Mpan!);
        await page.Locator("#manufacturer").FillAsync("Octopus Energy");
        await page.Locator("#model").FillAsync("Cosy 6");
        await page.Locator("#serialNumber").FillAsync(asset.SerialNumber!);
        await page.Locator("#address-line1").FillAsync("3 Elm Close");
        await page.Locator("#address-town").FillAsync("Leeds");
        await page.Locator("#address-postcode").FillAsync("LS1 4AP");
        await page.Locator("#importCapacityKw").FillAsync("6");
        await page.GetByLabel("Yes, it is commissioned").CheckAsync();
        await page.Locator("#commissioningDate").FillAsync("2023-11-30");
        await page.Locator("#ownerConsent-reference").FillAsync("CONSENT-" + Guid.NewGuid().ToString("N")[..8]);
        await page.Locator("#ownerConsent-method").SelectOptionAsync("installer-declaration");
        await page.Locator("#ownerConsent-date").FillAsync("2023-11-01");
        await SubmitAsync(page, "Register the asset");
        await Assertions.Expect(page.Locator(".govuk-notification-banner__heading")).ToContainTextAsync("Asset registered as FRA-HP-");
        await CheckAsync(page);
    }
}
