using System.Net;
using System.Net.Http.Json;
using System.Text;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Onboarding;

namespace FlexRegistry.Tests.Web;

/// <summary>
/// The BOLA matrix over pages: another participant's asset, import, results, subscription and duplicate case answer 404
/// to a person of a different organisation, exactly as the API does, and their forms change nothing; registry-operator
/// pages refuse everyone else; every page but the public ones sends a person without a session to sign in.
/// </summary>
public abstract class WebAuthorisationMatrixTests(RegistryApp app)
{
    [Fact]
    public async Task AnotherOrganisationsResources_AreNotFound_OnEveryPage_AndTheirFormsChangeNothing()
    {
        using var owner = await app.SignedInPersonAsync();
        using var other = await app.SignedInPersonAsync();
        var resources = await CreateResourcesAsync(owner.Api);

        string[] pages =
        [
            $"/assets/{resources.AssetId}",
            $"/assets/imports/{resources.ImportId}",
            $"/assets/imports/{resources.ImportId}?handler=status",
            $"/assets/imports/{resources.ImportId}?handler=results&format=csv",
            $"/webhooks/{resources.SubscriptionId}",
            $"/duplicates/{resources.CaseId}",
            $"/portfolios/{resources.PortfolioId}",
        ];
        foreach (var page in pages)
        {
            using var own = await owner.Web.GetAsync(new Uri(page, UriKind.Relative));
            Assert.True(own.StatusCode == HttpStatusCode.OK, $"the owner got {(int)own.StatusCode} for {page}");
            using var foreign = await other.Web.GetAsync(new Uri(page, UriKind.Relative));
            Assert.True(foreign.StatusCode == HttpStatusCode.NotFound, $"another organisation got {(int)foreign.StatusCode} for {page}");
        }

        // Forms aimed at the other organisation's resources: 404, and nothing changed.
        using (var dismissed = await other.Web.SubmitAsync("/dashboard", [new("dismissReason", "Not the same")], $"/duplicates/{resources.CaseId}?handler=Dismiss"))
            Assert.Equal(HttpStatusCode.NotFound, dismissed.StatusCode);
        using (var paused = await other.Web.SubmitAsync("/dashboard", [], $"/webhooks/{resources.SubscriptionId}?handler=Pause"))
            Assert.Equal(HttpStatusCode.NotFound, paused.StatusCode);
        using (var suspended = await other.Web.SubmitAsync("/dashboard", [new("userId", owner.UserId)], "/organisation?handler=Suspend"))
            Assert.NotEqual(HttpStatusCode.Redirect, suspended.StatusCode);
        using (var joined = await other.Web.SubmitAsync("/dashboard", [new("members[0].assetId", resources.AssetId)], $"/portfolios/{resources.PortfolioId}?handler=Add"))
            Assert.Equal(HttpStatusCode.NotFound, joined.StatusCode);
        using (var left = await other.Web.SubmitAsync("/dashboard", [new("assetId", resources.AssetId)], $"/portfolios/{resources.PortfolioId}?handler=Remove"))
            Assert.Equal(HttpStatusCode.NotFound, left.StatusCode);
        Assert.Equal(0, (await owner.Api.GetFromJsonAsync<PortfolioResponse>($"/api/v1/portfolios/{resources.PortfolioId}"))!.CurrentMembers);
        Assert.Equal("open", (await owner.Api.GetFromJsonAsync<DuplicateCaseResponse>($"/api/v1/duplicate-cases/{resources.CaseId}"))!.Status);
        Assert.Equal("active", (await owner.Api.GetFromJsonAsync<SubscriptionResponse>($"/api/v1/subscriptions/{resources.SubscriptionId}"))!.Status);
        var users = await owner.Api.GetFromJsonAsync<Page<UserResponse>>($"/api/v1/participants/{owner.ParticipantId}/users");
        Assert.Equal("active", users!.Items.Single(u => u.UserId == owner.UserId).Status);

        // Searches and lists show only one's own.
        var assets = await other.Web.HtmlAsync("/assets");
        Assert.DoesNotContain(resources.AssetId, assets, StringComparison.Ordinal);
        var cases = await other.Web.HtmlAsync("/duplicates");
        Assert.DoesNotContain(resources.CaseId, cases, StringComparison.Ordinal);
        var webhooks = await other.Web.HtmlAsync("/webhooks");
        Assert.DoesNotContain(resources.SubscriptionId, webhooks, StringComparison.Ordinal);
        var portfolios = await other.Web.HtmlAsync("/portfolios");
        Assert.DoesNotContain(resources.PortfolioId, portfolios, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RegistryOperatorPages_RefuseOtherPeople()
    {
        using var person = await app.SignedInPersonAsync();
        foreach (var page in new[] { "/operator/participants", $"/operator/participants/{person.ParticipantId}", "/operator/audit" })
        {
            using var response = await person.Web.GetAsync(new Uri(page, UriKind.Relative));
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/forbidden", PathOf(response));
        }
        using var acted = await person.Web.SubmitAsync("/dashboard", [new("action", "verify"), new("reason", "Myself")], $"/operator/participants/{person.ParticipantId}");
        Assert.Equal(HttpStatusCode.Redirect, acted.StatusCode);
        Assert.Equal("/forbidden", PathOf(acted));
        Assert.Equal("provisional", (await person.Api.GetFromJsonAsync<ParticipantResponse>($"/api/v1/participants/{person.ParticipantId}"))!.Status);
    }

    [Fact]
    public async Task APersonWithoutAPermission_IsRefusedThePage_AsTheApiWouldRefuseTheirToken()
    {
        using var reader = await app.SignedInPersonAsync(permissions: ["participants:read"]);
        foreach (var page in new[]
                 {
                     "/assets", "/assets/register", "/assets/import", "/organisation", "/organisation/clients", "/webhooks", "/portfolios", "/claims",
                     "/contracts", "/conflicts", "/owner", "/markets/publish", "/contracts/00000000000000000000000000",
                     "/markets/00000000000000000000000000/change", "/organisation/commercial-information",
                 })
        {
            using var response = await reader.Web.GetAsync(new Uri(page, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.Redirect && PathOf(response) == "/forbidden", $"{page} answered {(int)response.StatusCode} {response.Headers.Location}");
        }
        using var posted = await reader.Web.SubmitAsync("/dashboard", WebSecurityTests.Form(TestData.Chargepoint()), "/assets/register");
        Assert.Equal("/forbidden", PathOf(posted));
        // Pages open to the person whose forms need more: the form is refused as the API endpoint would refuse the token.
        using (var product = await reader.Web.SubmitAsync("/products", [new("template", "dso-sustain"), new("name", "Not allowed")]))
            Assert.Equal("/forbidden", PathOf(product));
        using (var grant = await reader.Web.SubmitAsync("/organisation/grants",
                   [new("granteeRole", "market-operator"), new("part", "asset.address"), new("purpose", "procurement"), new("expiresAt", "2030-01-01")],
                   "/organisation/grants?handler=Give"))
            Assert.Equal("/forbidden", PathOf(grant));
        Assert.Empty((await reader.Api.GetFromJsonAsync<Page<GrantResponse>>($"/api/v1/participants/{reader.ParticipantId}/data-sharing-grants"))!.Items);
        using var op = await app.OperatorAsync();
        var assets = await op.GetFromJsonAsync<Page<AssetSummary>>("/api/v1/assets?limit=200");
        Assert.DoesNotContain(assets!.Items, a => a.RegistrantId == reader.ParticipantId);
        using (var dashboard = await reader.Web.GetAsync(new Uri("/dashboard", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.OK, dashboard.StatusCode);
    }

    [Fact]
    public async Task EveryProtectedPage_SendsAPersonWithoutASessionToSignIn()
    {
        using var person = await app.SignedInPersonAsync();
        var resources = await CreateResourcesAsync(person.Api);
        using var anonymous = app.WebClient();
        string[] pages =
        [
            "/dashboard", "/assets", "/assets/register", "/assets/import", $"/assets/{resources.AssetId}", $"/assets/imports/{resources.ImportId}",
            "/duplicates", $"/duplicates/{resources.CaseId}", "/directory", "/organisation", "/organisation/clients", "/webhooks",
            $"/webhooks/{resources.SubscriptionId}", "/operator/participants", "/operator/audit", "/account", "/account/two-factor",
            "/products", "/portfolios", $"/portfolios/{resources.PortfolioId}", "/claims", "/contracts", "/conflicts", "/conflicts/00000000000000000000000000",
            "/owner", $"/owner/{resources.AssetId}", "/organisation/grants", "/organisation/access-log",
            "/markets", "/markets/publish", "/markets/00000000000000000000000000", "/onboardings", "/onboardings/00000000000000000000000000",
            "/onboardings/00000000000000000000000000/requests/00000000000000000000000000", "/products/00000000000000000000000000",
            "/contracts/00000000000000000000000000", "/markets/00000000000000000000000000/change", "/organisation/commercial-information",
        ];
        foreach (var page in pages)
        {
            using var response = await anonymous.GetAsync(new Uri(page, UriKind.Relative));
            Assert.True(response.StatusCode == HttpStatusCode.Redirect && PathOf(response) == "/signin", $"{page} answered {(int)response.StatusCode} {response.Headers.Location}");
        }
    }

    [Fact]
    public async Task AnotherOrganisationsOnboarding_IsNotFound_OnEveryOnboardingPage_AndItsFormsChangeNothing()
    {
        using var mo = await app.ActivePersonAsync("market-operator");
        using var fsp = await app.ActivePersonAsync("fsp");
        using var otherProvider = await app.ActivePersonAsync("fsp");
        using var otherOperator = await app.ActivePersonAsync("market-operator");
        var market = await mo.Api.PublishAsync(OnboardingTestData.Market(sections: "commercial-information.insurance"));
        var onboarding = await fsp.Api.ApplyAsync(market.MarketId);
        var request = await mo.Api.RaiseAsync(onboarding.OnboardingId, "document", "Your insurance certificate.", "insurance-certificate");
        using (var uploaded = await fsp.Api.UploadAsync(onboarding.OnboardingId, request.RequestId, OnboardingTestData.Pdf, "application/pdf"))
            Assert.True(uploaded.IsSuccessStatusCode);
        var page = $"/onboardings/{onboarding.OnboardingId}";
        var requestPage = $"{page}/requests/{request.RequestId}";
        var interest = Assert.Single((await fsp.Api.GetFromJsonAsync<Page<MarketInterestResponse>>($"/api/v1/participants/{fsp.ParticipantId}/market-interests"))!.Items);

        foreach (var path in new[] { page, requestPage, requestPage + "?handler=Document" })
        {
            foreach (var side in new[] { mo, fsp })
            {
                using var own = await side.Web.GetAsync(new Uri(path, UriKind.Relative));
                Assert.True(own.StatusCode == HttpStatusCode.OK, $"a side got {(int)own.StatusCode} for {path}");
            }
            foreach (var other in new[] { otherProvider, otherOperator })
            {
                using var foreign = await other.Web.GetAsync(new Uri(path, UriKind.Relative));
                Assert.True(foreign.StatusCode == HttpStatusCode.NotFound, $"another organisation got {(int)foreign.StatusCode} for {path}");
            }
        }
        // Every form, aimed at the other organisations' onboarding by someone holding the permission it needs: 404.
        (WebPerson Who, string Action, KeyValuePair<string, string>[] Fields)[] forms =
        [
            (otherProvider, page + "?handler=Grant", []),
            (otherOperator, page + "?handler=Raise", [new("kind", "agreement"), new("description", "Sign this")]),
            (otherOperator, page + "?handler=Onboard", []),
            (otherOperator, page + "?handler=Return", [new("reason", "Not mine")]),
            (otherProvider, requestPage + "?handler=Answer", [new("answer", "Mine")]),
            (otherOperator, requestPage + "?handler=Accept", []),
            (otherOperator, requestPage + "?handler=Return", [new("reason", "Not mine")]),
            // The provider's interest in the operator's markets (given when it applied): another provider cannot withdraw it.
            (otherProvider, "/onboardings?handler=Withdraw", [new("interestId", interest.InterestId)]),
        ];
        foreach (var (who, action, fields) in forms)
        {
            using var response = await who.Web.SubmitAsync("/markets", fields, action);
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{action} answered {(int)response.StatusCode}");
        }
        var unchanged = await fsp.Api.OnboardingAsync(onboarding.OnboardingId);
        Assert.Equal("in-progress", unchanged.Status);
        Assert.Equal("answered", Assert.Single(unchanged.Requests).Status);
        Assert.Empty((await (await fsp.Api.GetAsync($"/api/v1/participants/{fsp.ParticipantId}/data-sharing-grants")).Read<Page<GrantResponse>>()).Items);
        Assert.Single((await fsp.Api.GetFromJsonAsync<Page<MarketInterestResponse>>($"/api/v1/participants/{fsp.ParticipantId}/market-interests"))!.Items);
        // Markets are public, but only their operator changes them: another operator's change and close are refused as
        // PUT /api/v1/markets/{id} refuses them (403 market.not_operator), and nothing changes.
        var marketPage = $"/markets/{market.MarketId}";
        using (var form = await otherOperator.Web.GetAsync(new Uri(marketPage + "/change", UriKind.Relative)))
            Assert.Equal("/forbidden", PathOf(form));
        using (var changed = await otherOperator.Web.SubmitAsync("/markets", [new("name", "Taken over"), new("status", "closed")], marketPage + "/change"))
            Assert.Equal("/forbidden", PathOf(changed));
        using (var closed = await otherOperator.Web.SubmitAsync("/markets", [new("status", "closed")], marketPage + "/change?handler=Status"))
            Assert.Equal("/forbidden", PathOf(closed));
        var unchangedMarket = (await fsp.Api.GetFromJsonAsync<MarketResponse>($"/api/v1/markets/{market.MarketId}"))!;
        Assert.Equal((market.Name, "open"), (unchangedMarket.Name, unchangedMarket.Status));
        // Commercial information is the organisation's own: the page shows another's nothing of it.
        using (var put = await fsp.Api.PutAsJsonAsync($"/api/v1/participants/{fsp.ParticipantId}/commercial-information", FlexRegistry.Tests.Participants.CommercialInformationTests.ValidForFsp()))
            Assert.True(put.IsSuccessStatusCode);
        Assert.Contains("Bright Flex", await fsp.Web.HtmlAsync("/organisation/commercial-information"), StringComparison.Ordinal);
        Assert.DoesNotContain("Bright Flex", await otherProvider.Web.HtmlAsync("/organisation/commercial-information"), StringComparison.Ordinal);
        // Lists show only one's own.
        Assert.DoesNotContain(onboarding.OnboardingId, await otherProvider.Web.HtmlAsync("/onboardings"), StringComparison.Ordinal);
        Assert.DoesNotContain(onboarding.OnboardingId, await otherOperator.Web.HtmlAsync($"/markets/{market.MarketId}"), StringComparison.Ordinal);
        // Publishing needs products:manage, as POST /api/v1/markets does.
        using (var published = await fsp.Web.SubmitAsync("/markets", [new("name", "Not an operator's market")], "/markets/publish"))
            Assert.Equal("/forbidden", PathOf(published));
    }

    private sealed record Resources(string AssetId, string ImportId, string SubscriptionId, string CaseId, string PortfolioId);

    private static async Task<Resources> CreateResourcesAsync(HttpClient api)
    {
        var original = TestData.Chargepoint();
        var asset = await (await api.PostAsJsonAsync("/api/v1/assets", original)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
        // A near duplicate (a mistyped serial): a review case, not a definite match.
        var near = TestData.NearDuplicateOf(original);
        var flagged = await (await api.PostAsJsonAsync("/api/v1/assets", near)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
        using var csv = new StringContent(FlexRegistry.Assets.Imports.AssetImportService.Template(), Encoding.UTF8, "text/csv");
        var import = await (await api.PostAsync(new Uri("/api/v1/asset-imports", UriKind.Relative), csv)).Read<AssetImportStatus>(HttpStatusCode.Accepted);
        var subscription = await (await api.PostAsJsonAsync("/api/v1/subscriptions",
            new CreateSubscriptionRequest { Url = "http://127.0.0.1:9/hook", Types = ["flexregistry.asset.registered"] })).Read<SubscriptionSecretResponse>(HttpStatusCode.Created);
        var portfolio = await FlexRegistry.Tests.Market.MarketTestData.RegisterPortfolioAsync(api);
        return new Resources(asset.AssetId, import.ImportId, subscription.Id, flagged.DuplicateCaseId!, portfolio);
    }

    private static string PathOf(HttpResponseMessage redirect) =>
        redirect.Headers.Location is null ? "" : redirect.Headers.Location.IsAbsoluteUri ? redirect.Headers.Location.AbsolutePath : redirect.Headers.Location.OriginalString.Split('?')[0];
}

public sealed class WebAuthorisationMatrixTests_Sqlite(SqliteApp app) : WebAuthorisationMatrixTests(app), IClassFixture<SqliteApp>;

public sealed class WebAuthorisationMatrixTests_Postgres(PostgresApp app) : WebAuthorisationMatrixTests(app), IClassFixture<PostgresApp>;
