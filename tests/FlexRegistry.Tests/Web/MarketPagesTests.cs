using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Market;

namespace FlexRegistry.Tests.Web;

/// <summary>
/// The market pages over HTTP as a browser without script drives them, on both databases: the forms call the same use
/// cases as the API (every broken rule at once, nothing stored), the database's one-operator rule shows as a form error,
/// and seed 003's not-stackable example is built through the pages: FSP claims and adds to a portfolio, an SO defines a
/// product and accepts a contract, the conflict is listed, resolved, and the owner sees who operates the asset.
/// </summary>
public abstract class MarketPagesTests(RegistryApp app)
{
    private static string Today(int days = 0) => MarketTestData.Today.AddDays(days).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static KeyValuePair<string, string> F(string name, string value) => new(name, value);

    /// <summary>The form was accepted (a redirect, to <paramref name="location"/> if given); if not, the failure says what the page listed.</summary>
    private static async Task Accepted(HttpResponseMessage response, string? location = null)
    {
        if (response.StatusCode != HttpStatusCode.Redirect)
            Assert.Fail($"{(int)response.StatusCode}: {string.Join(" | ", WebSessions.ErrorSummary(await response.Content.ReadAsStringAsync()))}");
        if (location is not null)
            Assert.Equal(location, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task BUC2_Step3_Pages_ClaimAddToPortfolioDefineProductAcceptContract_ConflictShownAndResolved_OwnerSeesTheOperator()
    {
        using var owner = await app.ActivePersonAsync("flex-owner");
        using var fsp = await app.ActivePersonAsync("fsp");
        using var fsp2 = await app.ActivePersonAsync("fsp");
        using var so2 = await app.ActivePersonAsync("system-operator");
        using var stranger = await app.ActivePersonAsync("fsp");
        var (_, so1) = await app.RegisterSystemOperatorAsync();
        using var _so1 = so1;
        var (asset, _) = await owner.Api.RegisterChargepointAsync(7.4m);

        // The claim form with nothing filled in: every broken rule at once, nothing stored.
        using (var empty = await fsp.Web.SubmitAsync("/claims", [F("assetId", ""), F("serviceClass", "")]))
        {
            Assert.Equal(HttpStatusCode.OK, empty.StatusCode);
            var errors = WebSessions.ErrorSummary(await empty.Content.ReadAsStringAsync());
            Assert.True(errors.Count >= 3, "errors: " + string.Join(" | ", errors));
        }
        Assert.Empty((await (await fsp.Api.GetAsync("/api/v1/operator-claims")).Read<Page<OperatorClaimResponse>>()).Items);

        KeyValuePair<string, string>[] Claim(string serviceClass) =>
        [
            F("assetId", asset), F("serviceClass", serviceClass), F("from", Today()), F("consent.reference", "OWNER-OK-" + Guid.NewGuid().ToString("N")[..8]),
            F("consent.method", "signed-contract"), F("consent.date", Today(-10)),
        ];
        using (var claimed = await fsp.Web.SubmitAsync("/claims", Claim("dso-flexibility")))
            await Accepted(claimed, "/claims?done=claimed");
        Assert.Contains(asset, await fsp.Web.HtmlAsync("/claims"), StringComparison.Ordinal);

        // A second operator for the same asset, service class and moment: the database refuses it; the page says so.
        using (var competing = await fsp2.Web.SubmitAsync("/claims", Claim("dso-flexibility")))
        {
            Assert.Equal(HttpStatusCode.OK, competing.StatusCode);
            Assert.Contains(WebSessions.ErrorSummary(await competing.Content.ReadAsStringAsync()), e => e.Contains("operat", StringComparison.OrdinalIgnoreCase));
        }
        using (var other = await fsp2.Web.SubmitAsync("/claims", Claim("neso-reserve")))
            await Accepted(other);

        // Portfolio members through the page: a malformed capacity changes nothing; then the member is added.
        var portfolio1 = await fsp.Api.RegisterPortfolioAsync();
        using (var bad = await fsp.Web.SubmitAsync($"/portfolios/{portfolio1}", [F("members[0].assetId", asset), F("members[0].capacityKw", "lots")],
                   $"/portfolios/{portfolio1}?handler=Add"))
        {
            Assert.Equal(HttpStatusCode.OK, bad.StatusCode);
            Assert.Single(WebSessions.ErrorSummary(await bad.Content.ReadAsStringAsync()));
        }
        Assert.Equal(0, (await (await fsp.Api.GetAsync($"/api/v1/portfolios/{portfolio1}")).Read<PortfolioResponse>()).CurrentMembers);
        using (var added = await fsp.Web.SubmitAsync($"/portfolios/{portfolio1}", [F("members[0].assetId", asset), F("members[0].capacityKw", "")],
                   $"/portfolios/{portfolio1}?handler=Add"))
            await Accepted(added, $"/portfolios/{portfolio1}?done=added");
        Assert.Contains(asset, await fsp.Web.HtmlAsync($"/portfolios/{portfolio1}"), StringComparison.Ordinal);
        var portfolio2 = await fsp2.Api.RegisterPortfolioAsync();
        using (var added2 = await fsp2.Web.SubmitAsync($"/portfolios/{portfolio2}", [F("members[0].assetId", asset)], $"/portfolios/{portfolio2}?handler=Add"))
            await Accepted(added2);

        // Products: SO-1's over the API; SO-2 defines one in the page (the form's errors first).
        var product1 = await so1.DefineProductAsync("dso-secure", MarketTestData.WinterPeak);
        using (var noProduct = await so2.Web.SubmitAsync("/products", [F("template", ""), F("validFrom", "31/12/2026")]))
        {
            Assert.Equal(HttpStatusCode.OK, noProduct.StatusCode);
            // A date the page cannot read stops the form before the use case: nothing is defined.
            Assert.Contains("year-month-day", Assert.Single(WebSessions.ErrorSummary(await noProduct.Content.ReadAsStringAsync())), StringComparison.Ordinal);
        }
        Assert.Empty((await (await so2.Api.GetAsync($"/api/v1/products?owner={so2.ParticipantId}")).Read<Page<ProductResponse>>()).Items);
        string product2;
        using (var defined = await so2.Web.SubmitAsync("/products",
        [
            F("template", "neso-quick-reserve"), F("name", "Quick Reserve evenings " + Guid.NewGuid().ToString("N")[..6]), F("direction", "up"), F("capacityKw", "10000"),
            F("validFrom", MarketTestData.Year.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            F("validTo", MarketTestData.Year.AddYears(1).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            F("windows[0].recurrence", "FREQ=DAILY"), F("windows[0].start", "16:00"), F("windows[0].end", "20:00"),
        ]))
        {
            await Accepted(defined);
            product2 = defined.Headers.Location!.OriginalString.Split("done=")[1];
        }
        Assert.Contains(product2, await so2.Web.HtmlAsync("/products?mine=true"), StringComparison.Ordinal);

        // Contract-1 over the API; Contract-2 proposed in FSP-2's page and accepted in SO-2's: the conflict is created.
        await MarketTestData.ContractAsync(fsp.Api, so1, portfolio1, product1, 5m);
        using (var proposed = await fsp2.Web.SubmitAsync("/contracts",
        [
            F("portfolioId", portfolio2), F("productId", product2), F("from", Today(-1)), F("to", Today(300)), F("contractedCapacityKw", "5"),
            F("reference", "C2"),
        ]))
            await Accepted(proposed, "/contracts?done=proposed&conflicts=1");
        var contract2 = Assert.Single((await (await so2.Api.GetAsync("/api/v1/contracts")).Read<Page<ContractResponse>>()).Items);
        using (var accepted = await so2.Web.SubmitAsync("/contracts", [F("contractId", contract2.ContractId)], "/contracts?handler=Accept"))
            await Accepted(accepted, "/contracts?done=accepted&conflicts=1");

        // The conflict register in the pages: SO-2 lists and reads it; someone with no part in it gets 404; SO-2 resolves it.
        var conflict = Assert.Single(await so2.Api.ConflictsAsync($"?asset={asset}"));
        Assert.Contains(conflict.ConflictId, await so2.Web.HtmlAsync("/conflicts"), StringComparison.Ordinal);
        var detail = await so2.Web.HtmlAsync($"/conflicts/{conflict.ConflictId}");
        Assert.Contains("not-stackable", detail, StringComparison.Ordinal);
        // SO-2 is not told FSP-1's contract with SO-1: the other side's contract, portfolio, seller and capacity stay hidden.
        Assert.DoesNotContain(portfolio1, detail, StringComparison.Ordinal);
        using (var foreign = await stranger.Web.GetAsync(new Uri($"/conflicts/{conflict.ConflictId}", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using (var meddled = await stranger.Web.SubmitAsync("/conflicts", [F("resolution", "Not mine")], $"/conflicts/{conflict.ConflictId}?handler=Resolve"))
            Assert.Equal(HttpStatusCode.NotFound, meddled.StatusCode);
        using (var noReason = await so2.Web.SubmitAsync($"/conflicts/{conflict.ConflictId}", [F("resolution", " ")], $"/conflicts/{conflict.ConflictId}?handler=Resolve"))
            Assert.Single(WebSessions.ErrorSummary(await noReason.Content.ReadAsStringAsync()));
        Assert.Equal("open", (await (await so2.Api.GetAsync($"/api/v1/conflicts/{conflict.ConflictId}")).Read<ConflictResponse>()).Status);
        using (var resolved = await so2.Web.SubmitAsync($"/conflicts/{conflict.ConflictId}", [F("resolution", "FSP-2 delivers only outside the winter peak.")],
                   $"/conflicts/{conflict.ConflictId}?handler=Resolve"))
            await Accepted(resolved);
        Assert.Equal("resolved", (await (await so2.Api.GetAsync($"/api/v1/conflicts/{conflict.ConflictId}")).Read<ConflictResponse>()).Status);

        // The owner's view: who operates the asset for what, and its commitments; nobody else's asset is in it.
        Assert.Contains(asset, await owner.Web.HtmlAsync("/owner"), StringComparison.Ordinal);
        var view = await owner.Web.HtmlAsync($"/owner/{asset}");
        Assert.Contains("dso-flexibility", view, StringComparison.Ordinal);
        Assert.Contains("neso-reserve", view, StringComparison.Ordinal);
        Assert.Contains(portfolio2, view, StringComparison.Ordinal);
        var (notTheirs, _) = await stranger.Api.RegisterChargepointAsync();
        using (var foreignAsset = await owner.Web.GetAsync(new Uri($"/owner/{notTheirs}", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NotFound, foreignAsset.StatusCode);
    }

    [Fact]
    public async Task BUC2_Step1b_Pages_ProductEligibilityCheck_OwnerChangesTheProduct_ContractPageDetectsConflictsNow()
    {
        using var so = await app.ActivePersonAsync("system-operator");
        using var fsp = await app.ActivePersonAsync("fsp");
        using var stranger = await app.ActivePersonAsync("fsp");
        var product = await so.Api.DefineProductAsync("dso-secure", MarketTestData.WinterPeak);
        var (asset, _) = await fsp.Api.RegisterChargepointAsync(7.4m);
        var productPage = $"/products/{product}";

        // The eligibility check in the page: per asset, what is missing; an asset the person cannot see is reported, not shown.
        var (hidden, _) = await stranger.Api.RegisterChargepointAsync();
        using (var checkedAssets = await fsp.Web.SubmitAsync(productPage, [F("assetIds", $"{asset}\n{hidden}"), F("portfolioId", "")], productPage + "?handler=Check"))
        {
            Assert.Equal(HttpStatusCode.OK, checkedAssets.StatusCode);
            var html = await checkedAssets.Content.ReadAsStringAsync();
            Assert.Contains("id=\"eligibility\"", html, StringComparison.Ordinal);
            Assert.Contains(asset, html, StringComparison.Ordinal);
            Assert.Contains(hidden, html, StringComparison.Ordinal);
        }
        using (var noSuchPortfolio = await fsp.Web.SubmitAsync(productPage, [F("portfolioId", "FRA-PF-NOPE")], productPage + "?handler=Check"))
            Assert.NotEmpty(WebSessions.ErrorSummary(await noSuchPortfolio.Content.ReadAsStringAsync()));

        // The owner changes its terms (a malformed capacity first: nothing changed); a stale version is refused; others may not.
        var html1 = await so.Web.HtmlAsync(productPage);
        var version = System.Text.RegularExpressions.Regex.Match(html1, "name=\"version\" value=\"([0-9a-f]{32})\"").Groups[1].Value;
        Assert.NotEmpty(version);
        var before = await (await so.Api.GetAsync($"/api/v1/products/{product}")).Read<ProductResponse>();
        KeyValuePair<string, string>[] Change(string name, string capacity, string v) =>
            [F("version", v), F("name", name), F("capacityKw", capacity), F("validFrom", before.ValidFrom.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
             F("validTo", before.ValidTo.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))];
        using (var bad = await so.Web.SubmitAsync(productPage, Change("Secure winter", "lots", version), productPage + "?handler=Change"))
            Assert.Single(WebSessions.ErrorSummary(await bad.Content.ReadAsStringAsync()));
        using (var changed = await so.Web.SubmitAsync(productPage, Change("Secure winter peak (changed)", "250", version), productPage + "?handler=Change"))
            await Accepted(changed, productPage + "?done=changed");
        var after = await (await so.Api.GetAsync($"/api/v1/products/{product}")).Read<ProductResponse>();
        Assert.Equal(("Secure winter peak (changed)", 250m), (after.Name, after.CapacityKw));
        Assert.Equal(before.Windows, after.Windows);
        using (var stale = await so.Web.SubmitAsync(productPage, Change("Lost update", "1", version), productPage + "?handler=Change"))
            Assert.Contains("changed since you read it", Assert.Single(WebSessions.ErrorSummary(await stale.Content.ReadAsStringAsync())), StringComparison.Ordinal);
        using (var notOwner = await fsp.Web.SubmitAsync(productPage, Change("Mine now", "1", version), productPage + "?handler=Change"))
            Assert.EndsWith("/forbidden", notOwner.Headers.Location?.OriginalString.Split('?')[0], StringComparison.Ordinal);
        Assert.Equal("Secure winter peak (changed)", (await (await so.Api.GetAsync($"/api/v1/products/{product}")).Read<ProductResponse>()).Name);

        // The contract page, to its two sides only, with detection on demand.
        using (var claim = await fsp.Api.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, "dso-flexibility", MarketTestData.Now.AddDays(-1))))
            Assert.True(claim.IsSuccessStatusCode, await claim.Content.ReadAsStringAsync());
        var portfolio = await fsp.Api.RegisterPortfolioAsync();
        await fsp.Api.AddMembersAsync(portfolio, (asset, null));
        var contract = (await MarketTestData.ContractAsync(fsp.Api, so.Api, portfolio, product, 5m)).Contract.ContractId;
        Assert.Contains(portfolio, await so.Web.HtmlAsync($"/contracts/{contract}"), StringComparison.Ordinal);
        using (var detected = await fsp.Web.SubmitAsync($"/contracts/{contract}", [], $"/contracts/{contract}?handler=Detect"))
            await Accepted(detected, $"/contracts/{contract}?detected=0&cleared=0");
        using (var foreign = await stranger.Web.GetAsync(new Uri($"/contracts/{contract}", UriKind.Relative)))
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        using (var foreignDetect = await stranger.Web.SubmitAsync("/contracts", [], $"/contracts/{contract}?handler=Detect"))
            Assert.Equal(HttpStatusCode.NotFound, foreignDetect.StatusCode);

        // "Detect now" on the conflict register: over the person's asset; another's asset is a field error, as the API's 404.
        using (var now = await fsp.Web.SubmitAsync("/conflicts", [F("assetId", asset)], "/conflicts?handler=Detect"))
        {
            Assert.Equal(HttpStatusCode.OK, now.StatusCode);
            Assert.Contains("Detection done", await now.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        using (var notTheirs = await fsp.Web.SubmitAsync("/conflicts", [F("assetId", hidden)], "/conflicts?handler=Detect"))
            Assert.Contains("href=\"#assetId\"", await notTheirs.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OwnerWithdrawsConsentInThePage_TheClaimEnds()
    {
        using var owner = await app.ActivePersonAsync("flex-owner");
        var (_, fsp) = await app.RegisterActiveAsync();
        using var _fsp = fsp;
        var (asset, _) = await owner.Api.RegisterChargepointAsync();
        var claim = await (await fsp.PostAsJsonAsync("/api/v1/operator-claims", MarketTestData.Claim(asset, "supplier-flexibility", MarketTestData.Now.AddDays(-1))))
            .Read<ClaimAcceptedResponse>(HttpStatusCode.Created);
        using (var withdrawn = await owner.Web.SubmitAsync($"/owner/{asset}", [F("claimId", claim.Claim.ClaimId), F("reason", "Changed supplier")],
                   $"/owner/{asset}?handler=Withdraw"))
            await Accepted(withdrawn, $"/owner/{asset}?withdrawn=true");
        var ended = await (await fsp.GetAsync($"/api/v1/operator-claims/{claim.Claim.ClaimId}")).Read<OperatorClaimResponse>();
        Assert.Equal("consent-withdrawn", ended.EndReason);
    }
}

public sealed class MarketPagesTests_Sqlite(SqliteApp app) : MarketPagesTests(app), IClassFixture<SqliteApp>;

public sealed class MarketPagesTests_Postgres(PostgresApp app) : MarketPagesTests(app), IClassFixture<PostgresApp>;
