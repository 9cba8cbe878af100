using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Onboarding;

namespace FlexRegistry.Tests.Web;

/// <summary>
/// The market and onboarding pages over HTTP as a browser without script drives them, on both databases (BUC.4 steps
/// 3 and 5–7): the forms call the same use cases as the API (every broken rule at once, nothing stored), the document
/// upload is a multipart form with its antiforgery token and the API's size and content checks, and an onboarding is
/// seen by its two sides only.
/// </summary>
public abstract class OnboardingPagesTests(RegistryApp app)
{
    private static KeyValuePair<string, string> F(string name, string value) => new(name, value);

    private static async Task Accepted(HttpResponseMessage response, string? locationStart = null)
    {
        if (response.StatusCode != HttpStatusCode.Redirect)
            Assert.Fail($"{(int)response.StatusCode}: {string.Join(" | ", WebSessions.ErrorSummary(await response.Content.ReadAsStringAsync()))}");
        if (locationStart is not null)
            Assert.StartsWith(locationStart, response.Headers.Location?.OriginalString, StringComparison.Ordinal);
    }

    /// <summary>GETs the page for its antiforgery token, then POSTs a multipart form with the file, as a browser does.</summary>
    private static async Task<HttpResponseMessage> UploadAsync(HttpClient web, string page, byte[] content, string fileName, string contentType)
    {
        var token = WebSessions.AntiforgeryToken(await web.HtmlAsync(page));
        using var form = new MultipartFormDataContent();
        form.Add(new StringContent(token), "__RequestVerificationToken");
        var file = new ByteArrayContent(content);
        file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        form.Add(file, "file", fileName);
        return await web.PostAsync(new Uri(page + "?handler=Upload", UriKind.Relative), form);
    }

    [Fact]
    public async Task BUC4_Step3to7_Pages_MoPublishes_FspAppliesAndGrants_MoRequestsADocument_FspUploads_MoReturnsAcceptsAndOnboards()
    {
        using var mo = await app.ActivePersonAsync("market-operator");
        using var fsp = await app.ActivePersonAsync("fsp");
        using var stranger = await app.ActivePersonAsync("fsp");

        // Step 3 in the page: every broken rule at once (a blank name, a bad document code, a document without a description), nothing stored.
        using (var invalid = await mo.Web.SubmitAsync("/markets/publish",
                   [F("name", ""), F("status", "open"), F("documentCodes[1]", "Not A Code"), F("documentDescriptions[1]", ""), F("contactEmail", "not-an-email")]))
        {
            Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
            var html = await invalid.Content.ReadAsStringAsync();
            var errors = WebSessions.ErrorSummary(html);
            Assert.True(errors.Count >= 4, "errors: " + string.Join(" | ", errors));
            // The document row's errors point at that row's inputs.
            Assert.Contains("href=\"#documentCodes-1\"", html, StringComparison.Ordinal);
            Assert.Contains("href=\"#documentDescriptions-1\"", html, StringComparison.Ordinal);
        }
        Assert.Empty((await (await mo.Api.GetAsync($"/api/v1/markets?operator={mo.ParticipantId}")).Read<Page<MarketResponse>>()).Items);
        var name = $"Winter peak {Guid.NewGuid():N}"[..24];
        string marketId;
        using (var published = await mo.Web.SubmitAsync("/markets/publish",
               [
                   F("name", name), F("description", "Local flexibility for the winter peak."), F("status", "open"), F("gspGroups", "_C"), F("gspGroups", "_A"),
                   F("contactEmail", "markets@dso.example"), F("requirements.commercialSections", "commercial-information.insurance"),
                   F("documentCodes[0]", "insurance-certificate"), F("documentDescriptions[0]", "Certificate of public liability insurance."),
                   F("requirements.rules", "A dispatch test within six months.\n\nMetering at the boundary point."),
               ]))
        {
            await Accepted(published, "/markets/");
            marketId = published.Headers.Location!.OriginalString.Split('/', '?')[2];
        }
        var market = await (await fsp.Api.GetAsync($"/api/v1/markets/{marketId}")).Read<MarketResponse>();
        Assert.Equal(name, market.Name);
        Assert.Equal(["_A", "_C"], market.GspGroups.Order());
        Assert.Equal(["A dispatch test within six months.", "Metering at the boundary point."], market.Requirements.Rules);
        Assert.Equal("insurance-certificate", Assert.Single(market.Requirements.Documents).Code);

        // Anyone signed in lists and reads it; the provider applies in the page (step 5).
        Assert.Contains(name, await fsp.Web.HtmlAsync("/markets?gspGroup=_C"), StringComparison.Ordinal);
        Assert.DoesNotContain(name, await fsp.Web.HtmlAsync("/markets?gspGroup=_P"), StringComparison.Ordinal);
        Assert.Contains("insurance-certificate", await fsp.Web.HtmlAsync($"/markets/{marketId}"), StringComparison.Ordinal);
        string onboardingId;
        using (var applied = await fsp.Web.SubmitAsync($"/markets/{marketId}", [F("note", "Aggregated chargepoints.")], $"/markets/{marketId}?handler=Apply"))
        {
            await Accepted(applied, "/onboardings/");
            onboardingId = applied.Headers.Location!.OriginalString.Split('/', '?')[2];
        }
        using (var again = await fsp.Web.SubmitAsync($"/markets/{marketId}", [], $"/markets/{marketId}?handler=Apply"))
            Assert.Contains(WebSessions.ErrorSummary(await again.Content.ReadAsStringAsync()), e => e.Contains("already", StringComparison.Ordinal));
        Assert.Contains(onboardingId, await mo.Web.HtmlAsync($"/markets/{marketId}"), StringComparison.Ordinal);
        // Applying expressed the FSP's interest in the operator's markets: each side sees it.
        var moOnboardings = await mo.Web.HtmlAsync("/onboardings");
        Assert.Contains("id=\"interest-received\"", moOnboardings, StringComparison.Ordinal);
        Assert.Contains(fsp.ParticipantId, moOnboardings[moOnboardings.IndexOf("id=\"interest-received\"", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Contains("id=\"interest-given\"", await fsp.Web.HtmlAsync("/onboardings"), StringComparison.Ordinal);

        // Step 6: the one-action grant.
        using (var granted = await fsp.Web.SubmitAsync($"/onboardings/{onboardingId}", [], $"/onboardings/{onboardingId}?handler=Grant"))
            await Accepted(granted, $"/onboardings/{onboardingId}?done=granted");
        var grants = await (await fsp.Api.GetAsync($"/api/v1/participants/{fsp.ParticipantId}/data-sharing-grants")).Read<Page<GrantResponse>>();
        Assert.Contains(grants.Items, g => g.GranteeParticipantId == mo.ParticipantId && g.Part == "commercial-information.insurance" && g.Purpose == "onboarding");

        // Step 7: the operator asks for the document (errors first), the provider sees it as a task.
        using (var noKind = await mo.Web.SubmitAsync($"/onboardings/{onboardingId}", [F("kind", ""), F("description", "")], $"/onboardings/{onboardingId}?handler=Raise"))
            Assert.Equal(2, WebSessions.ErrorSummary(await noKind.Content.ReadAsStringAsync()).Count);
        using (var raised = await mo.Web.SubmitAsync($"/onboardings/{onboardingId}",
                   [F("kind", "document"), F("subject", "insurance-certificate"), F("description", "Your insurance certificate, please.")], $"/onboardings/{onboardingId}?handler=Raise"))
            await Accepted(raised, $"/onboardings/{onboardingId}?done=raised");
        var request = Assert.Single((await fsp.Api.OnboardingAsync(onboardingId)).Requests);
        var taskList = await fsp.Web.HtmlAsync($"/onboardings/{onboardingId}");
        Assert.Contains("govuk-task-list", taskList, StringComparison.Ordinal);
        Assert.Contains("To do", taskList, StringComparison.Ordinal);
        var requestPage = $"/onboardings/{onboardingId}/requests/{request.RequestId}";

        // The upload: content that is not what it claims is refused as the API refuses it, and nothing is stored.
        using (var renamed = await UploadAsync(fsp.Web, requestPage, "MZ not really a pdf"u8.ToArray(), "certificate.pdf", "application/pdf"))
        {
            Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
            var html = await renamed.Content.ReadAsStringAsync();
            Assert.Contains("not a PDF, PNG or JPEG", Assert.Single(WebSessions.ErrorSummary(html)), StringComparison.Ordinal);
            Assert.Contains("href=\"#file\"", html, StringComparison.Ordinal);
        }
        // Over the document limit (the use case refuses it) and over the form's own request limit (the person is sent back to
        // the page): either way the page's error summary, pointing at the file input, never a bare 413; nothing stored.
        using (var tooLarge = await UploadAsync(fsp.Web, requestPage, [.. OnboardingTestData.Pdf, .. new byte[1_000_001]], "big.pdf", "application/pdf"))
            Assert.Contains(WebSessions.ErrorSummary(await tooLarge.Content.ReadAsStringAsync()), e => e.Contains("must be smaller than 1 MB", StringComparison.Ordinal));
        using (var overLimit = await UploadAsync(fsp.Web, requestPage, [.. OnboardingTestData.Pdf, .. new byte[3_000_000]], "scan.pdf", "application/pdf"))
        {
            Assert.Equal(HttpStatusCode.SeeOther, overLimit.StatusCode);
            Assert.StartsWith(requestPage + "?tooLarge=", overLimit.Headers.Location?.OriginalString, StringComparison.Ordinal);
            var html = await fsp.Web.HtmlAsync(overLimit.Headers.Location!.OriginalString);
            Assert.Contains("must be smaller than 1 MB", Assert.Single(WebSessions.ErrorSummary(html)), StringComparison.Ordinal);
            Assert.Contains("href=\"#file\"", html, StringComparison.Ordinal);
        }
        // The API's own upload is still refused with the 413 problem.
        using (var apiTooLarge = await fsp.Api.UploadAsync(onboardingId, request.RequestId, [.. OnboardingTestData.Pdf, .. new byte[3_000_000]], "application/pdf"))
            await apiTooLarge.ReadProblem(HttpStatusCode.RequestEntityTooLarge, "request.body_too_large");
        Assert.Null((await fsp.Api.OnboardingAsync(onboardingId)).Requests[0].Document);
        using (var uploaded = await UploadAsync(fsp.Web, requestPage, OnboardingTestData.Png, "certificate.png", "image/png"))
            await Accepted(uploaded, requestPage + "?done=uploaded");

        // The operator downloads it (the same bytes), returns it with a reason; the provider uploads again; the operator accepts.
        using (var download = await mo.Web.GetAsync(new Uri(requestPage + "?handler=Document", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, download.StatusCode);
            Assert.Equal("image/png", download.Content.Headers.ContentType?.MediaType);
            Assert.Equal(OnboardingTestData.Png, await download.Content.ReadAsByteArrayAsync());
            Assert.True(download.Headers.CacheControl?.NoStore);
        }
        using (var noReason = await mo.Web.SubmitAsync(requestPage, [F("reason", " ")], requestPage + "?handler=Return"))
            Assert.Single(WebSessions.ErrorSummary(await noReason.Content.ReadAsStringAsync()));
        using (var returned = await mo.Web.SubmitAsync(requestPage, [F("reason", "The certificate has expired.")], requestPage + "?handler=Return"))
            await Accepted(returned);
        Assert.Contains("The certificate has expired.", await fsp.Web.HtmlAsync(requestPage), StringComparison.Ordinal);
        using (var again = await UploadAsync(fsp.Web, requestPage, OnboardingTestData.Pdf, "certificate.pdf", "application/pdf"))
            await Accepted(again);

        // The other side's actions are refused as the API refuses them: the provider cannot accept its own answer.
        using (var selfAccepted = await fsp.Web.SubmitAsync(requestPage, [], requestPage + "?handler=Accept"))
            Assert.EndsWith("/forbidden", selfAccepted.Headers.Location?.OriginalString.Split('?')[0], StringComparison.Ordinal);
        using (var accepted = await mo.Web.SubmitAsync(requestPage, [], requestPage + "?handler=Accept"))
            await Accepted(accepted, requestPage + "?done=accepted");
        using (var onboarded = await mo.Web.SubmitAsync($"/onboardings/{onboardingId}", [], $"/onboardings/{onboardingId}?handler=Onboard"))
            await Accepted(onboarded, $"/onboardings/{onboardingId}?done=onboarded");
        var done = await fsp.Api.OnboardingAsync(onboardingId);
        Assert.Equal("onboarded", done.Status);
        Assert.Equal("application/pdf", done.Requests[0].Document!.ContentType);
        Assert.Contains(name, await fsp.Web.HtmlAsync("/onboardings?status=onboarded"), StringComparison.Ordinal);

        // Nobody else sees the onboarding, its request or the document, and their forms change nothing.
        foreach (var page in new[] { $"/onboardings/{onboardingId}", requestPage, requestPage + "?handler=Document" })
        {
            using var foreign = await stranger.Web.GetAsync(new Uri(page, UriKind.Relative));
            Assert.True(foreign.StatusCode == HttpStatusCode.NotFound, $"{page} answered {(int)foreign.StatusCode} to a stranger");
        }
        Assert.DoesNotContain(onboardingId, await stranger.Web.HtmlAsync("/onboardings"), StringComparison.Ordinal);
        Assert.DoesNotContain(onboardingId, await stranger.Web.HtmlAsync($"/markets/{marketId}"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MoReturnsTheApplication_TheProviderSeesTheReasonAndAppliesAgain_AStrangersFormsChangeNothing()
    {
        using var mo = await app.ActivePersonAsync("market-operator");
        using var fsp = await app.ActivePersonAsync("fsp");
        using var stranger = await app.ActivePersonAsync("market-operator");
        var market = await mo.Api.PublishAsync(OnboardingTestData.Market());
        var onboarding = await fsp.Api.ApplyAsync(market.MarketId);
        var page = $"/onboardings/{onboarding.OnboardingId}";

        using (var meddled = await stranger.Web.SubmitAsync("/markets", [F("reason", "Not mine")], page + "?handler=Return"))
            Assert.Equal(HttpStatusCode.NotFound, meddled.StatusCode);
        using (var raised = await stranger.Web.SubmitAsync("/markets", [F("kind", "agreement"), F("description", "Sign this")], page + "?handler=Raise"))
            Assert.Equal(HttpStatusCode.NotFound, raised.StatusCode);
        Assert.Equal("requested", (await fsp.Api.OnboardingAsync(onboarding.OnboardingId)).Status);
        Assert.Empty((await fsp.Api.OnboardingAsync(onboarding.OnboardingId)).Requests);

        using (var returned = await mo.Web.SubmitAsync(page, [F("reason", "Register your insurance first.")], page + "?handler=Return"))
            await Accepted(returned, page + "?done=returned");
        var html = await fsp.Web.HtmlAsync(page);
        Assert.Contains("Register your insurance first.", html, StringComparison.Ordinal);
        Assert.Contains("apply again", html, StringComparison.Ordinal);
        using (var reapplied = await fsp.Web.SubmitAsync($"/markets/{market.MarketId}", [], $"/markets/{market.MarketId}?handler=Apply"))
            await Accepted(reapplied, page);
        Assert.Equal("requested", (await fsp.Api.OnboardingAsync(onboarding.OnboardingId)).Status);
    }

    [Fact]
    public async Task BUC4_Step3_Pages_MoChangesItsMarket_ClosesAndReopensIt_AnotherOperatorAndAStaleFormChangeNothing()
    {
        using var mo = await app.ActivePersonAsync("market-operator");
        using var other = await app.ActivePersonAsync("system-operator");
        using var fsp = await app.ActivePersonAsync("fsp");
        var market = await mo.Api.PublishAsync(OnboardingTestData.Market(sections: "commercial-information.insurance"));
        var page = $"/markets/{market.MarketId}";
        var change = page + "/change";

        // The form starts from the market as it is; every broken rule at once, nothing changed.
        var form = await mo.Web.HtmlAsync(change);
        Assert.Contains(WebUtility.HtmlEncode(market.Name), form, StringComparison.Ordinal);
        Assert.Contains("value=\"commercial-information.insurance\" checked", form, StringComparison.Ordinal);
        using (var invalid = await mo.Web.SubmitAsync(change, [F("version", Version(form)), F("name", " "), F("status", "open"), F("contactEmail", "not-an-email"), F("documentCodes[0]", "Not A Code"), F("documentDescriptions[0]", "x")]))
        {
            Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
            var html = await invalid.Content.ReadAsStringAsync();
            Assert.Equal(3, WebSessions.ErrorSummary(html).Count);
            Assert.Contains("href=\"#documentCodes-0\"", html, StringComparison.Ordinal);
        }
        Assert.Equal(market.Name, (await fsp.Api.GetFromJsonAsync<MarketResponse>(page.Replace("/markets", "/api/v1/markets", StringComparison.Ordinal)))!.Name);

        // A valid change: the new name, another area, the section dropped.
        var renamed = $"Renamed market {Guid.NewGuid():N}"[..28];
        using (var changed = await mo.Web.SubmitAsync(change, [F("version", Version(form)), F("name", renamed), F("status", "open"), F("gspGroups", "_P"), F("description", "Now in the north.")]))
            await Accepted(changed, page + "?done=changed");
        var now = (await fsp.Api.GetFromJsonAsync<MarketResponse>($"/api/v1/markets/{market.MarketId}"))!;
        Assert.Equal((renamed, "_P", 0), (now.Name, Assert.Single(now.GspGroups), now.Requirements.CommercialSections.Count));

        // Closing it from the market's page: new applications are refused, as the API refuses them.
        var marketPage = await mo.Web.HtmlAsync(page);
        Assert.Contains("Close the market to applications", marketPage, StringComparison.Ordinal);
        using (var closed = await mo.Web.SubmitAsync(page, [F("version", Version(marketPage)), F("status", "closed")], change + "?handler=Status"))
            await Accepted(closed, page + "?done=closed");
        Assert.Equal("closed", (await fsp.Api.GetFromJsonAsync<MarketResponse>($"/api/v1/markets/{market.MarketId}"))!.Status);
        Assert.DoesNotContain("Apply to join the market", await fsp.Web.HtmlAsync(page), StringComparison.Ordinal);
        using (var refused = await fsp.Web.SubmitAsync(page, [], page + "?handler=Apply"))
            Assert.Contains(WebSessions.ErrorSummary(await refused.Content.ReadAsStringAsync()), e => e.Contains("closed", StringComparison.Ordinal));
        Assert.Empty((await (await fsp.Api.GetAsync($"/api/v1/onboardings?market={market.MarketId}")).Read<Page<OnboardingResponse>>()).Items);

        // A form read before a change made meanwhile changes nothing (the version read is the If-Match).
        var stale = Version(marketPage);
        using (var staleClose = await mo.Web.SubmitAsync(page, [F("version", stale), F("status", "open")], change + "?handler=Status"))
        {
            Assert.Equal(HttpStatusCode.OK, staleClose.StatusCode);
            Assert.Contains(WebSessions.ErrorSummary(await staleClose.Content.ReadAsStringAsync()), e => e.Contains("changed since you read it", StringComparison.Ordinal));
        }
        Assert.Equal("closed", (await fsp.Api.GetFromJsonAsync<MarketResponse>($"/api/v1/markets/{market.MarketId}"))!.Status);
        using (var reopened = await mo.Web.SubmitAsync(page, [F("version", Version(await mo.Web.HtmlAsync(page))), F("status", "open")], change + "?handler=Status"))
            await Accepted(reopened, page + "?done=opened");
        Assert.Equal("open", (await fsp.Api.GetFromJsonAsync<MarketResponse>($"/api/v1/markets/{market.MarketId}"))!.Status);

        // Another operator (products:manage, not this market's): no change link, the form and the close button refused, nothing changed.
        Assert.DoesNotContain("/change", await other.Web.HtmlAsync(page), StringComparison.Ordinal);
        using (var foreignForm = await other.Web.GetAsync(new Uri(change, UriKind.Relative)))
            Assert.Equal("/forbidden", PathOf(foreignForm));
        using (var foreignChange = await other.Web.SubmitAsync("/markets", [F("name", "Hijacked"), F("status", "closed")], change))
            Assert.Equal("/forbidden", PathOf(foreignChange));
        using (var foreignClose = await other.Web.SubmitAsync("/markets", [F("version", Version(await mo.Web.HtmlAsync(page))), F("status", "closed")], change + "?handler=Status"))
            Assert.Equal("/forbidden", PathOf(foreignClose));
        // A provider (no products:manage) is refused the page, as PUT /api/v1/markets/{id} refuses its token.
        using (var provider = await fsp.Web.GetAsync(new Uri(change, UriKind.Relative)))
            Assert.Equal("/forbidden", PathOf(provider));
        var after = (await fsp.Api.GetFromJsonAsync<MarketResponse>($"/api/v1/markets/{market.MarketId}"))!;
        Assert.Equal((renamed, "open"), (after.Name, after.Status));
    }

    [Fact]
    public async Task BUC4_Step5_Pages_ApplyingTwice_AnswersAlreadyApplied_AndTheFspWithdrawsItsInterest()
    {
        using var mo = await app.ActivePersonAsync("market-operator");
        using var fsp = await app.ActivePersonAsync("fsp");
        using var otherFsp = await app.ActivePersonAsync("fsp");
        var market = await mo.Api.PublishAsync(OnboardingTestData.Market());
        var page = $"/markets/{market.MarketId}";
        using (var applied = await fsp.Web.SubmitAsync(page, [F("note", "First")], page + "?handler=Apply"))
            await Accepted(applied, "/onboardings/");
        // Twice (a second tab, a double click): the page answers onboarding.already_applied as the API does, nothing stored.
        using (var again = await fsp.Web.SubmitAsync(page, [F("note", "Second")], page + "?handler=Apply"))
        {
            Assert.Equal(HttpStatusCode.OK, again.StatusCode);
            Assert.Contains("already", Assert.Single(WebSessions.ErrorSummary(await again.Content.ReadAsStringAsync())), StringComparison.Ordinal);
        }
        using (var api = await fsp.Api.PostAsJsonAsync($"/api/v1/markets/{market.MarketId}/onboardings", new ApplyToMarketRequest()))
            await api.ReadProblem(HttpStatusCode.Conflict, "onboarding.already_applied");
        Assert.Single((await (await fsp.Api.GetAsync($"/api/v1/onboardings?market={market.MarketId}")).Read<Page<OnboardingResponse>>()).Items);

        // Applying expressed interest in the operator's markets; the FSP withdraws it in the page.
        var interest = Assert.Single((await (await fsp.Api.GetAsync($"/api/v1/participants/{fsp.ParticipantId}/market-interests")).Read<Page<MarketInterestResponse>>()).Items);
        var onboardings = await fsp.Web.HtmlAsync("/onboardings");
        Assert.Contains("Withdraw<span class=\"govuk-visually-hidden\"> interest in " + mo.ParticipantId, onboardings, StringComparison.Ordinal);
        // Another provider cannot withdraw it: the interest is not theirs (404), and it stays.
        using (var foreign = await otherFsp.Web.SubmitAsync("/onboardings", [F("interestId", interest.InterestId)], "/onboardings?handler=Withdraw"))
            Assert.Equal(HttpStatusCode.NotFound, foreign.StatusCode);
        Assert.Single((await (await fsp.Api.GetAsync($"/api/v1/participants/{fsp.ParticipantId}/market-interests")).Read<Page<MarketInterestResponse>>()).Items);
        using (var withdrawn = await fsp.Web.SubmitAsync("/onboardings", [F("interestId", interest.InterestId)], "/onboardings?handler=Withdraw"))
            await Accepted(withdrawn, "/onboardings?done=withdrawn");
        Assert.Empty((await (await fsp.Api.GetAsync($"/api/v1/participants/{fsp.ParticipantId}/market-interests")).Read<Page<MarketInterestResponse>>()).Items);
        Assert.DoesNotContain("id=\"interest-received\"", await mo.Web.HtmlAsync("/onboardings"), StringComparison.Ordinal);
        // Withdrawn already: 404, as DELETE answers participant.interest_not_found.
        using (var twice = await fsp.Web.SubmitAsync("/onboardings", [F("interestId", interest.InterestId)], "/onboardings?handler=Withdraw"))
            Assert.Equal(HttpStatusCode.NotFound, twice.StatusCode);
    }

    [Fact]
    public async Task BUC4_Step3_Pages_FspEditsItsCommercialInformation_EveryBrokenRuleAtOnce_ChecksAgainstAMarket_OthersSeeNothing()
    {
        using var fsp = await app.ActivePersonAsync("fsp");
        using var other = await app.ActivePersonAsync("fsp");
        using var mo = await app.ActivePersonAsync("market-operator");
        var market = await mo.Api.PublishAsync(OnboardingTestData.Market(sections: "commercial-information.trading-names"));
        const string Page = "/organisation/commercial-information";
        Assert.Contains("Nothing saved yet.", await fsp.Web.HtmlAsync(Page), StringComparison.Ordinal);

        // Every section's broken rules at once, each beside its field (the second contact row's email, the bank's sort code).
        KeyValuePair<string, string>[] broken =
        [
            F("contacts[0].purpose", "commercial"), F("contacts[0].name", "Chris Sales"), F("contacts[0].email", "sales@flex.example"),
            F("contacts[2].purpose", "operational"), F("contacts[2].name", "Control Room"), F("contacts[2].email", "not-an-email"), F("contacts[2].phone", "12"),
            F("bankDetails.accountName", "Bright Flex Ltd"), F("bankDetails.sortCode", "12"), F("bankDetails.accountNumber", "70872490"),
            F("insurance.insurer", "Example Mutual"), F("insurance.policyNumber", "PL-1"), F("insurance.publicLiabilityCoverGbp", "500000"), F("insurance.expiresOn", "2099-12-31"),
            F("icoRegistrationNumber", "nope"),
        ];
        using (var invalid = await fsp.Web.SubmitAsync(Page, broken))
        {
            Assert.Equal(HttpStatusCode.OK, invalid.StatusCode);
            var html = await invalid.Content.ReadAsStringAsync();
            Assert.True(WebSessions.ErrorSummary(html).Count >= 5, string.Join(" | ", WebSessions.ErrorSummary(html)));
            foreach (var field in new[] { "contacts-2-email", "contacts-2-phone", "bankDetails-sortCode", "insurance-publicLiabilityCoverGbp", "icoRegistrationNumber" })
                Assert.Contains($"href=\"#{field}\"", html, StringComparison.Ordinal);
        }
        using (var nothing = await fsp.Api.GetAsync($"/api/v1/participants/{fsp.ParticipantId}/commercial-information"))
            Assert.Equal(HttpStatusCode.NotFound, nothing.StatusCode);

        var valid = broken.Select(f => f.Key switch
        {
            "contacts[2].email" => F(f.Key, "control@flex.example"),
            "contacts[2].phone" => F(f.Key, "+44 20 7946 0000"),
            "bankDetails.sortCode" => F(f.Key, "40-47-84"),
            "insurance.publicLiabilityCoverGbp" => F(f.Key, "5000000"),
            "icoRegistrationNumber" => F(f.Key, "ZA123456"),
            _ => f,
        }).ToArray();
        // The dry run against the market, which also requires trading names: refused beside the field, nothing stored.
        using (var check = await fsp.Web.SubmitAsync(Page, [.. valid, F("market", market.MarketId)], Page + "?handler=Check"))
        {
            var html = await check.Content.ReadAsStringAsync();
            Assert.Contains("href=\"#tradingNames\"", html, StringComparison.Ordinal);
            Assert.Contains(market.Name, html, StringComparison.Ordinal);
        }
        using (var nothing = await fsp.Api.GetAsync($"/api/v1/participants/{fsp.ParticipantId}/commercial-information"))
            Assert.Equal(HttpStatusCode.NotFound, nothing.StatusCode);
        using (var checkedOk = await fsp.Web.SubmitAsync(Page, [.. valid, F("tradingNames", "Bright Flex\nFlex Bright"), F("market", market.MarketId)], Page + "?handler=Check"))
        {
            var html = await checkedOk.Content.ReadAsStringAsync();
            Assert.Empty(WebSessions.ErrorSummary(html));
            Assert.Contains("meets every requirement of your roles and of " + WebUtility.HtmlEncode(market.Name), html, StringComparison.Ordinal);
        }
        using (var unknown = await fsp.Web.SubmitAsync(Page, [.. valid, F("market", "00000000000000000000000000")], Page + "?handler=Check"))
            Assert.Contains("href=\"#market\"", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Saved: the API reads what the page saved, the contact from the third row as the second contact.
        using (var saved = await fsp.Web.SubmitAsync(Page, [.. valid, F("tradingNames", "Bright Flex\nFlex Bright")]))
            await Accepted(saved, Page + "?done=saved");
        var stored = await (await fsp.Api.GetAsync($"/api/v1/participants/{fsp.ParticipantId}/commercial-information")).Read<CommercialInformationResponse>();
        Assert.Equal(["Bright Flex", "Flex Bright"], stored.Information.TradingNames);
        Assert.Equal(["sales@flex.example", "control@flex.example"], stored.Information.Contacts!.Select(c => c.Email));
        Assert.Equal((5_000_000m, new DateOnly(2099, 12, 31)), (stored.Information.Insurance!.PublicLiabilityCoverGbp, stored.Information.Insurance.ExpiresOn));
        var shown = await fsp.Web.HtmlAsync(Page);
        Assert.Contains("value=\"ZA123456\"", shown, StringComparison.Ordinal);

        // A form read before a change made meanwhile (over the API) changes nothing.
        using (var put = await fsp.Api.PutAsJsonAsync($"/api/v1/participants/{fsp.ParticipantId}/commercial-information", CommercialInformationTestData()))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        using (var stale = await fsp.Web.PostAsync(new Uri(Page, UriKind.Relative), new FormUrlEncodedContent([.. valid, F("version", Version(shown)), F("__RequestVerificationToken", WebSessions.AntiforgeryToken(shown))])))
            Assert.Single(WebSessions.ErrorSummary(await stale.Content.ReadAsStringAsync()));
        Assert.Equal(["Bright Flex"], (await (await fsp.Api.GetAsync($"/api/v1/participants/{fsp.ParticipantId}/commercial-information")).Read<CommercialInformationResponse>()).Information.TradingNames);

        // Another organisation sees only its own (empty) page, and its save changes only its own.
        Assert.DoesNotContain("Bright Flex", await other.Web.HtmlAsync(Page), StringComparison.Ordinal);
        // A person without commercial:write reads it but has no form, and a post is refused as PUT refuses the token.
        var reader = await fsp.Api.InviteAndAcceptAsync(app, fsp.ParticipantId, $"reader{Guid.NewGuid():N}"[..20] + "@flex.example", ["commercial:read", "participants:read"]);
        using (reader)
        {
            var readOnly = await reader.Web.HtmlAsync(Page);
            Assert.Contains("Bright Flex", readOnly, StringComparison.Ordinal);
            Assert.DoesNotContain("Save commercial information", readOnly, StringComparison.Ordinal);
            using var posted = await reader.Web.SubmitAsync("/dashboard", valid, Page);
            Assert.Equal("/forbidden", PathOf(posted));
        }
    }

    private static CommercialInformationRequest CommercialInformationTestData() => FlexRegistry.Tests.Participants.CommercialInformationTests.ValidForFsp();

    /// <summary>The version (If-Match) a page's form carries.</summary>
    private static string Version(string html) =>
        System.Text.RegularExpressions.Regex.Match(html, "name=\"version\" value=\"([0-9a-f]{32})\"") is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException("The page has no version.");

    private static string PathOf(HttpResponseMessage redirect) =>
        redirect.Headers.Location is null ? "" : redirect.Headers.Location.IsAbsoluteUri ? redirect.Headers.Location.AbsolutePath : redirect.Headers.Location.OriginalString.Split('?')[0];
}

public sealed class OnboardingPagesTests_Sqlite(SqliteApp app) : OnboardingPagesTests(app), IClassFixture<SqliteApp>;

public sealed class OnboardingPagesTests_Postgres(PostgresApp app) : OnboardingPagesTests(app), IClassFixture<PostgresApp>;
