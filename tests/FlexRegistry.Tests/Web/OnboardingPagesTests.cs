using System.Net;
using System.Net.Http.Headers;
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
        using (var tooLarge = await UploadAsync(fsp.Web, requestPage, [.. OnboardingTestData.Pdf, .. new byte[1_000_001]], "big.pdf", "application/pdf"))
            Assert.Contains(WebSessions.ErrorSummary(await tooLarge.Content.ReadAsStringAsync()), e => e.Contains("too large", StringComparison.Ordinal));
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
}

public sealed class OnboardingPagesTests_Sqlite(SqliteApp app) : OnboardingPagesTests(app), IClassFixture<SqliteApp>;

public sealed class OnboardingPagesTests_Postgres(PostgresApp app) : OnboardingPagesTests(app), IClassFixture<PostgresApp>;
