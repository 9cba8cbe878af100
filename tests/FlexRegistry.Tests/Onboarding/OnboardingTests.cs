using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Events;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Market;
using FlexRegistry.Tests.Participants;
using FlexRegistry.Tests.Reads;

namespace FlexRegistry.Tests.Onboarding;

/// <summary>BUC.4 steps 3 and 5–7: published markets with their requirements, applications, the one-action grant, onboarding requests.</summary>
public abstract class OnboardingTests(RegistryApp app)
{
    private const string Insurance = "commercial-information.insurance";
    private const string Contacts = "commercial-information.contacts";
    private const string BankDetails = "commercial-information.bank-details";
    private const string TradingNames = "commercial-information.trading-names";

    [Fact]
    public async Task BUC4_Step3_MarketPublishesItsRequirements_TheDryRunCheckTakesTheMarket()
    {
        var (moId, mo) = await app.MarketOperatorAsync();
        var (fspId, fsp) = await app.FspAsync();
        using (mo)
        using (fsp)
        {
            var market = await mo.PublishAsync(OnboardingTestData.Market(sections: [TradingNames, Insurance]));
            Assert.Equal(moId, market.OperatorId);
            Assert.Equal([TradingNames, Insurance], market.Requirements.CommercialSections);
            Assert.Contains("bankDetails", market.Requirements.ProviderCommercialFields);
            Assert.Equal("insurance-certificate", Assert.Single(market.Requirements.Documents).Code);

            // Public to every participant: listed by operator and area, read one by one.
            var listed = await (await fsp.GetAsync($"/api/v1/markets?operator={moId}&gspGroup=_C")).Read<Page<MarketResponse>>();
            Assert.Equal([market.MarketId], listed.Items.Select(m => m.MarketId));
            Assert.Empty((await (await fsp.GetAsync($"/api/v1/markets?operator={moId}&gspGroup=_A")).Read<Page<MarketResponse>>()).Items);
            Assert.Equal(market.Name, (await (await fsp.GetAsync($"/api/v1/markets/{market.MarketId}")).Read<MarketResponse>()).Name);

            // Without trading names the FSP meets its role's requirements, but not this market's.
            var information = CommercialInformationTests.ValidForFsp() with { TradingNames = null };
            var byRole = await (await fsp.PostAsJsonAsync($"/api/v1/participants/{fspId}/commercial-information/check", information))
                .Read<CommercialInformationCheckResponse>();
            Assert.True(byRole.Valid);
            var byMarket = await (await fsp.PostAsJsonAsync($"/api/v1/participants/{fspId}/commercial-information/check?market={market.MarketId}", information))
                .Read<CommercialInformationCheckResponse>();
            Assert.False(byMarket.Valid);
            Assert.Equal(("tradingNames", "field.required"), (Assert.Single(byMarket.Errors).Field, byMarket.Errors[0].Code));
            Assert.False(byMarket.Requirements.Single(r => r.Field == "tradingNames").Met);
            var complete = await (await fsp.PostAsJsonAsync($"/api/v1/participants/{fspId}/commercial-information/check?market={market.MarketId}",
                CommercialInformationTests.ValidForFsp())).Read<CommercialInformationCheckResponse>();
            Assert.True(complete.Valid);

            using var unknown = await fsp.PostAsJsonAsync($"/api/v1/participants/{fspId}/commercial-information/check?market={Guid.NewGuid()}", information);
            await unknown.ReadProblem(HttpStatusCode.NotFound, "market.not_found");
        }
    }

    [Fact]
    public async Task BUC4_Step3_DuplicateMarketName_ExactlyOneWinsTheRace_InvalidMarketListsEveryError_NothingStored()
    {
        var (moId, mo) = await app.MarketOperatorAsync();
        var (_, other) = await app.MarketOperatorAsync("system-operator");
        var (_, fsp) = await app.FspAsync();
        using (mo)
        using (other)
        using (fsp)
        {
            var request = OnboardingTestData.Market();
            var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => (i % 2 == 0 ? mo : other).PostAsJsonAsync("/api/v1/markets",
                i == 0 ? request : request with { Name = "  " + request.Name!.ToUpperInvariant() + " " })));
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
            var conflict = answers.First(a => a.StatusCode != HttpStatusCode.Created);
            Assert.Contains("\"existingMarketId\":\"", await conflict.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await conflict.ReadProblem(HttpStatusCode.Conflict, "market.name_taken");
            foreach (var a in answers)
                a.Dispose();

            using (var invalid = await mo.PostAsJsonAsync("/api/v1/markets", new MarketRequest
            {
                Name = "",
                Status = "paused",
                GspGroups = ["_Z"],
                ProductIds = [Guid.NewGuid().ToString()],
                ContactEmail = "nope",
                Requirements = new OnboardingRequirementsDto { CommercialSections = ["asset.address"], Documents = [new RequiredDocumentDto { Code = "Bad Code" }] },
            }))
            {
                var problem = await invalid.ReadProblem(HttpStatusCode.UnprocessableEntity, "market.validation_failed");
                Assert.Equal(["contactEmail", "gspGroups[0]", "name", "productIds", "requirements.commercialSections[0]", "requirements.documents[0].code",
                        "requirements.documents[0].description", "status"],
                    problem.Errors!.Select(e => e.Field).Order(StringComparer.Ordinal));
            }
            // Only operators publish; nothing else was stored.
            using (var notOperator = await fsp.PostAsJsonAsync("/api/v1/markets", OnboardingTestData.Market()))
                Assert.Equal(HttpStatusCode.Forbidden, notOperator.StatusCode);
            var mine = await (await mo.GetAsync($"/api/v1/markets?operator={moId}")).Read<Page<MarketResponse>>();
            Assert.True(mine.Items.Count <= 1);
        }
    }

    [Fact]
    public async Task BUC4_Step5_FspFindsThreeMarketsAndTheirOperators_InTheMarketListAndTheDirectory_AppliesToEach_EachOperatorIsTold()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (mo1Id, mo1) = await app.MarketOperatorAsync();
        var (mo2Id, mo2) = await app.MarketOperatorAsync();
        var (mo3Id, mo3) = await app.MarketOperatorAsync("system-operator");
        using (fsp)
        using (mo1)
        using (mo2)
        using (mo3)
        {
            var information = CommercialInformationTests.ValidForFsp();
            await (await fsp.PutAsJsonAsync($"/api/v1/participants/{fspId}/commercial-information", information)).ShouldHave(HttpStatusCode.OK);
            var m1 = await mo1.PublishAsync(OnboardingTestData.Market(sections: [Contacts]));
            var m2 = await mo2.PublishAsync(OnboardingTestData.Market(sections: [Contacts, Insurance]));
            var m3 = await mo3.PublishAsync(OnboardingTestData.Market(sections: [BankDetails]));

            // Step 5: FSP-1 finds the three markets serving London and applies to each; each operator is told.
            var london = new List<MarketResponse>();
            string? cursor = null;
            do
            {
                var page = await (await fsp.GetAsync("/api/v1/markets?status=open&gspGroup=_C&limit=100" + (cursor is null ? "" : "&cursor=" + cursor))).Read<Page<MarketResponse>>();
                london.AddRange(page.Items);
                cursor = page.NextCursor;
            }
            while (cursor is not null);
            Assert.Superset(new HashSet<string> { m1.MarketId, m2.MarketId, m3.MarketId }, london.Select(m => m.MarketId).ToHashSet());
            // The directory finds each operator by the market it runs, and by its name however it is typed.
            foreach (var (market, operatorId) in new[] { (m1, mo1Id), (m2, mo2Id), (m3, mo3Id) })
            {
                var members = await (await fsp.GetAsync($"/api/v1/participants?market={market.MarketId}")).Read<Page<DirectoryEntry>>();
                var entry = Assert.Single(members.Items);
                Assert.Equal(operatorId, entry.ParticipantId);
                var typed = entry.LegalName.ToUpperInvariant().Replace(" LTD", " Limited", StringComparison.Ordinal);
                var byName = await (await fsp.GetAsync("/api/v1/participants?limit=200&query=" + Uri.EscapeDataString(typed))).Read<Page<DirectoryEntry>>();
                Assert.Contains(byName.Items, e => e.ParticipantId == operatorId);
            }
            var o1 = await fsp.ApplyAsync(m1.MarketId);
            var o2 = await fsp.ApplyAsync(m2.MarketId);
            var o3 = await fsp.ApplyAsync(m3.MarketId);
            Assert.Equal(("requested", mo2Id), (o2.Status, o2.OperatorId));
            foreach (var (mo, onboarding) in new[] { (mo1, o1), (mo2, o2), (mo3, o3) })
            {
                var notice = await EventTestData.Eventually(() => mo.NoticesAsync(), n => n.Any(x => x.Kind == "onboarding-application" && x.EventId is not null));
                Assert.Equal(fspId, notice.Single(x => x.Kind == "onboarding-application").Subject);
                Assert.Contains((await mo.ReadFeedAsync(types: "flexregistry.onboarding.requested")).Events, e => e.Subject == fspId);
                // Applying expressed interest in the operator's markets.
                var interests = await (await fsp.GetAsync($"/api/v1/participants/{fspId}/market-interests")).Read<Page<MarketInterestResponse>>();
                Assert.Contains(interests.Items, i => i.MarketOperatorId == onboarding.OperatorId);
            }
            using (var again = await fsp.PostAsJsonAsync($"/api/v1/markets/{m2.MarketId}/onboardings", new ApplyToMarketRequest()))
                await again.ReadProblem(HttpStatusCode.Conflict, "onboarding.already_applied");

        }
    }

    [Fact]
    public async Task BUC4_Step6_OneActionGrantsEachOperatorWhatItsMarketNames_EachReadsExactlyThat_AccessLoggedAndSeenByTheFsp()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (mo1Id, mo1) = await app.MarketOperatorAsync();
        var (mo2Id, mo2) = await app.MarketOperatorAsync();
        var (mo3Id, mo3) = await app.MarketOperatorAsync("system-operator");
        using (fsp)
        using (mo1)
        using (mo2)
        using (mo3)
        {
            var information = CommercialInformationTests.ValidForFsp();
            await (await fsp.PutAsJsonAsync($"/api/v1/participants/{fspId}/commercial-information", information)).ShouldHave(HttpStatusCode.OK);
            var m1 = await mo1.PublishAsync(OnboardingTestData.Market(sections: [Contacts]));
            var m2 = await mo2.PublishAsync(OnboardingTestData.Market(sections: [Contacts, Insurance]));
            var m3 = await mo3.PublishAsync(OnboardingTestData.Market(sections: [BankDetails]));

            var o1 = await fsp.ApplyAsync(m1.MarketId);
            var o2 = await fsp.ApplyAsync(m2.MarketId);
            var o3 = await fsp.ApplyAsync(m3.MarketId);
            // Step 6: one action each grants the operator exactly what its market names; each reads exactly that, access-logged.
            foreach (var (id, expected) in new[] { (o1.OnboardingId, new[] { Contacts }), (o2.OnboardingId, [Contacts, Insurance]), (o3.OnboardingId, [BankDetails]) })
            {
                var granted = await (await fsp.PostAsync($"/api/v1/onboardings/{id}/grant", null)).Read<OnboardingGrantResponse>();
                Assert.Equal(expected, granted.Grants.Select(g => g.Part));
                Assert.All(granted.Grants, g => Assert.Equal(("onboarding", "active"), (g.Purpose, g.Status)));
            }
            // Granting again changes nothing.
            var twice = await (await fsp.PostAsync($"/api/v1/onboardings/{o2.OnboardingId}/grant", null)).Read<OnboardingGrantResponse>();
            Assert.Equal(2, twice.Grants.Select(g => g.GrantId).Distinct().Count());
            var read1 = await (await mo1.GetAsync($"/api/v1/participants/{fspId}/commercial-information?purpose=onboarding")).Read<CommercialInformationResponse>();
            var read2 = await (await mo2.GetAsync($"/api/v1/participants/{fspId}/commercial-information?purpose=onboarding")).Read<CommercialInformationResponse>();
            var read3 = await (await mo3.GetAsync($"/api/v1/participants/{fspId}/commercial-information?purpose=onboarding")).Read<CommercialInformationResponse>();
            Assert.Equal(information.Contacts, read1.Information.Contacts);
            Assert.Equal((null, null), (read1.Information.Insurance, read1.Information.BankDetails));
            Assert.Equal(information.Contacts, read2.Information.Contacts);
            Assert.Equal((information.Insurance, null), (read2.Information.Insurance, read2.Information.BankDetails));
            Assert.Null(read3.Information.Contacts);
            Assert.Equal((null, information.BankDetails), (read3.Information.Insurance, read3.Information.BankDetails));
            Assert.All(new[] { read1, read2, read3 }, r => Assert.Equal((null, null), (r.Information.TradingNames, r.Information.IcoRegistrationNumber)));
            var log = await fsp.AccessLogAsync($"/api/v1/participants/{fspId}/access-log");
            Assert.Equal(new[] { mo1Id, mo2Id, mo3Id }.Order(StringComparer.Ordinal), log.Select(e => e.ReaderId).Order(StringComparer.Ordinal));
            Assert.Equal([Contacts, Insurance], log.Single(e => e.ReaderId == mo2Id).FieldGroups);

        }
    }

    [Fact]
    public async Task BUC4_Step7_MO2RequestsADocument_FspUploadsIt_MO2AcceptsAndOnboards_MO3ReturnsWithAReason_EachSideSeesItsOwn()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (mo1Id, mo1) = await app.MarketOperatorAsync();
        var (mo2Id, mo2) = await app.MarketOperatorAsync();
        var (mo3Id, mo3) = await app.MarketOperatorAsync("system-operator");
        using (fsp)
        using (mo1)
        using (mo2)
        using (mo3)
        {
            var information = CommercialInformationTests.ValidForFsp();
            await (await fsp.PutAsJsonAsync($"/api/v1/participants/{fspId}/commercial-information", information)).ShouldHave(HttpStatusCode.OK);
            var m1 = await mo1.PublishAsync(OnboardingTestData.Market(sections: [Contacts]));
            var m2 = await mo2.PublishAsync(OnboardingTestData.Market(sections: [Contacts, Insurance]));
            var m3 = await mo3.PublishAsync(OnboardingTestData.Market(sections: [BankDetails]));

            var o1 = await fsp.ApplyAsync(m1.MarketId);
            var o2 = await fsp.ApplyAsync(m2.MarketId);
            var o3 = await fsp.ApplyAsync(m3.MarketId);
            // Step 7: MO-2 asks for a document; FSP-1 sees the task, uploads it; MO-2 downloads and accepts it, then onboards FSP-1.
            var docRequest = await mo2.RaiseAsync(o2.OnboardingId, "document", "Your certificate of public liability insurance.", "insurance-certificate");
            Assert.Equal("in-progress", (await fsp.OnboardingAsync(o2.OnboardingId)).Status);
            var task = await EventTestData.Eventually(() => fsp.NoticesAsync(), n => n.Any(x => x.NoticeId == "onboarding-request:" + docRequest.RequestId && x.EventId is not null));
            Assert.Contains("insurance-certificate", task.Single(x => x.NoticeId == "onboarding-request:" + docRequest.RequestId).Action, StringComparison.Ordinal);
            using (var early = await mo2.PostAsync($"/api/v1/onboardings/{o2.OnboardingId}/onboard", null))
                await early.ReadProblem(HttpStatusCode.Conflict, "onboarding.requests_outstanding");
            using (var uploaded = await fsp.UploadAsync(o2.OnboardingId, docRequest.RequestId, OnboardingTestData.Pdf, "application/pdf"))
            {
                var answered = await uploaded.Read<OnboardingRequestResponse>();
                Assert.Equal(("answered", "application/pdf", (long)OnboardingTestData.Pdf.Length), (answered.Status, answered.Document!.ContentType, answered.Document.Size));
            }
            using (var download = await mo2.GetAsync($"/api/v1/onboardings/{o2.OnboardingId}/requests/{docRequest.RequestId}/document"))
            {
                await download.ShouldHave(HttpStatusCode.OK);
                Assert.Equal("application/pdf", download.Content.Headers.ContentType!.MediaType);
                Assert.Equal(OnboardingTestData.Pdf, await download.Content.ReadAsByteArrayAsync());
            }
            using (var foreign = await mo1.GetAsync($"/api/v1/onboardings/{o2.OnboardingId}/requests/{docRequest.RequestId}/document"))
                await foreign.ReadProblem(HttpStatusCode.NotFound, "onboarding.not_found");
            Assert.Contains(await mo2.NoticesAsync(), n => n.NoticeId == "onboarding-answer:" + docRequest.RequestId);
            await (await mo2.PostAsync($"/api/v1/onboardings/{o2.OnboardingId}/requests/{docRequest.RequestId}/accept", null)).Read<OnboardingRequestResponse>();
            var onboarded = await (await mo2.PostAsync($"/api/v1/onboardings/{o2.OnboardingId}/onboard", null)).Read<OnboardingResponse>();
            Assert.Equal("onboarded", onboarded.Status);
            Assert.Equal("onboarded", (await fsp.OnboardingAsync(o2.OnboardingId)).Status);
            var members = await (await mo2.GetAsync($"/api/v1/onboardings?market={m2.MarketId}&status=onboarded")).Read<Page<OnboardingResponse>>();
            Assert.Equal([fspId], members.Items.Select(o => o.ParticipantId));
            await EventTestData.Eventually(() => fsp.ReadFeedAsync(types: "flexregistry.onboarding.completed"), f => f.Events.Any(e => e.Subject == fspId));
            Assert.Contains((await mo2.ReadFeedAsync(types: "flexregistry.onboarding.completed")).Events, e => e.Subject == fspId);
            Assert.DoesNotContain((await mo1.ReadFeedAsync(types: "flexregistry.onboarding.completed")).Events, e => e.Subject == fspId);

            // MO-3 returns FSP-1's answer with a reason, and then the application: FSP-1 sees why, each time.
            var bank = await mo3.RaiseAsync(o3.OnboardingId, "bank-details", "Confirm the account we pay into.");
            await (await fsp.PostAsJsonAsync($"/api/v1/onboardings/{o3.OnboardingId}/requests/{bank.RequestId}/answer",
                new AnswerOnboardingRequest { Answer = "Confirmed: 40-47-84 70872490" })).Read<OnboardingRequestResponse>();
            await (await mo3.PostAsJsonAsync($"/api/v1/onboardings/{o3.OnboardingId}/requests/{bank.RequestId}/return",
                new ReasonRequest { Reason = "The account name must match the legal name." })).Read<OnboardingRequestResponse>();
            var returnedTask = await EventTestData.Eventually(() => fsp.NoticesAsync(), n => n.Any(x => x.NoticeId == "onboarding-request:" + bank.RequestId));
            Assert.Contains("The account name must match the legal name.", returnedTask.Single(x => x.NoticeId == "onboarding-request:" + bank.RequestId).Detail,
                StringComparison.Ordinal);
            var returned = await (await mo3.PostAsJsonAsync($"/api/v1/onboardings/{o3.OnboardingId}/return",
                new ReasonRequest { Reason = "Your fleet is outside our constraint zone." })).Read<OnboardingResponse>();
            Assert.Equal("returned", returned.Status);
            var seen = await fsp.OnboardingAsync(o3.OnboardingId);
            Assert.Equal(("returned", "Your fleet is outside our constraint zone."), (seen.Status, seen.Reason));
            Assert.Contains(await fsp.NoticesAsync(), n => n.NoticeId == "onboarding-returned:" + o3.OnboardingId && n.Detail == "Your fleet is outside our constraint zone.");
            await EventTestData.Eventually(() => fsp.ReadFeedAsync(types: "flexregistry.onboarding.returned"), f => f.Events.Any(e => e.Subject == fspId));

            // Each side sees its own onboardings and no one else's.
            var fspList = await (await fsp.GetAsync("/api/v1/onboardings")).Read<Page<OnboardingResponse>>();
            Assert.Equal(new[] { o1.OnboardingId, o2.OnboardingId, o3.OnboardingId }.Order(StringComparer.Ordinal), fspList.Items.Select(o => o.OnboardingId).Order(StringComparer.Ordinal));
            var mo1List = await (await mo1.GetAsync("/api/v1/onboardings")).Read<Page<OnboardingResponse>>();
            Assert.Equal([o1.OnboardingId], mo1List.Items.Select(o => o.OnboardingId));
            using (var other = await mo1.GetAsync($"/api/v1/onboardings/{o3.OnboardingId}"))
                await other.ReadProblem(HttpStatusCode.NotFound, "onboarding.not_found");
        }
    }

    [Fact]
    public async Task BUC4_Step7_BadInput_DocumentNotWhatItsTypeSays_Oversized_WrongKind_RequestToAProviderNotInterested_NothingStored()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (_, mo) = await app.MarketOperatorAsync();
        using (fsp)
        using (mo)
        {
            var market = await mo.PublishAsync(OnboardingTestData.Market());
            var onboarding = await fsp.ApplyAsync(market.MarketId);
            var document = await mo.RaiseAsync(onboarding.OnboardingId, "document", "The signed framework agreement.", "framework-agreement");
            var agreement = await mo.RaiseAsync(onboarding.OnboardingId, "agreement", "Sign the market rules.");

            // A PNG sent as a PDF, an executable sent as a PDF, an empty body, an oversized one, an unaccepted type: each refused, nothing stored.
            using (var mismatch = await fsp.UploadAsync(onboarding.OnboardingId, document.RequestId, OnboardingTestData.Png, "application/pdf"))
                await mismatch.ReadProblem(HttpStatusCode.UnsupportedMediaType, "onboarding.document_type_mismatch");
            using (var exe = await fsp.UploadAsync(onboarding.OnboardingId, document.RequestId, [0x4D, 0x5A, 0x90, 0x00, 0x03], "application/pdf"))
                await exe.ReadProblem(HttpStatusCode.UnsupportedMediaType, "onboarding.document_type_mismatch");
            using (var empty = await fsp.UploadAsync(onboarding.OnboardingId, document.RequestId, [], "image/png"))
                await empty.ReadProblem(HttpStatusCode.BadRequest, "onboarding.document_empty");
            var big = new byte[1_100_000];
            OnboardingTestData.Pdf.CopyTo(big, 0);
            using (var oversized = await fsp.UploadAsync(onboarding.OnboardingId, document.RequestId, big, "application/pdf"))
                await oversized.ReadProblem(HttpStatusCode.RequestEntityTooLarge, "request.body_too_large");
            using (var text = await fsp.UploadAsync(onboarding.OnboardingId, document.RequestId, "hello"u8.ToArray(), "text/plain"))
                Assert.Equal(HttpStatusCode.UnsupportedMediaType, text.StatusCode);
            using (var wrongKind = await fsp.UploadAsync(onboarding.OnboardingId, agreement.RequestId, OnboardingTestData.Png, "image/png"))
                await wrongKind.ReadProblem(HttpStatusCode.Conflict, "onboarding.document_not_expected");
            using (var nothing = await mo.GetAsync($"/api/v1/onboardings/{onboarding.OnboardingId}/requests/{document.RequestId}/document"))
                await nothing.ReadProblem(HttpStatusCode.NotFound, "onboarding.document_not_found");
            Assert.All((await fsp.OnboardingAsync(onboarding.OnboardingId)).Requests, r => Assert.Equal(("open", null), (r.Status, r.Document)));

            // The wrong side's actions are refused; a bad request lists every error.
            using (var accept = await fsp.PostAsync($"/api/v1/onboardings/{onboarding.OnboardingId}/requests/{agreement.RequestId}/accept", null))
                Assert.Equal(HttpStatusCode.Forbidden, accept.StatusCode);
            using (var answerByMo = await mo.PostAsJsonAsync($"/api/v1/onboardings/{onboarding.OnboardingId}/requests/{agreement.RequestId}/answer",
                       new AnswerOnboardingRequest { Answer = "signed" }))
                await answerByMo.ReadProblem(HttpStatusCode.Forbidden, "onboarding.not_your_side");
            using (var invalid = await mo.PostAsJsonAsync($"/api/v1/onboardings/{onboarding.OnboardingId}/requests", new RaiseOnboardingRequest { Kind = "coffee" }))
            {
                var problem = await invalid.ReadProblem(HttpStatusCode.UnprocessableEntity, "onboarding.request_invalid");
                Assert.Equal(["description", "kind"], problem.Errors!.Select(e => e.Field).Order(StringComparer.Ordinal));
            }

            // The provider withdraws its interest: nothing more can be asked of it.
            var interest = Assert.Single((await (await fsp.GetAsync($"/api/v1/participants/{fspId}/market-interests")).Read<Page<MarketInterestResponse>>()).Items);
            await (await fsp.DeleteAsync($"/api/v1/participants/{fspId}/market-interests/{interest.InterestId}")).ShouldHave(HttpStatusCode.NoContent);
            using (var notInterested = await mo.PostAsJsonAsync($"/api/v1/onboardings/{onboarding.OnboardingId}/requests",
                       new RaiseOnboardingRequest { Kind = "technical-test", Description = "A dispatch test next Tuesday." }))
                await notInterested.ReadProblem(HttpStatusCode.Conflict, "onboarding.not_interested");
            Assert.Equal(2, (await mo.OnboardingAsync(onboarding.OnboardingId)).Requests.Count);
        }
    }

    [Fact]
    public async Task BUC4_Step7_OnboardedProviderSuspended_TheMarketOperatorIsTold()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (_, mo) = await app.MarketOperatorAsync();
        using var op = await app.OperatorAsync();
        using (fsp)
        using (mo)
        {
            var market = await mo.PublishAsync(OnboardingTestData.Market());
            var onboarding = await fsp.ApplyAsync(market.MarketId);
            await (await mo.PostAsync($"/api/v1/onboardings/{onboarding.OnboardingId}/onboard", null)).Read<OnboardingResponse>();
            // The interest is withdrawn: the onboarding alone relates the two.
            var interest = Assert.Single((await (await fsp.GetAsync($"/api/v1/participants/{fspId}/market-interests")).Read<Page<MarketInterestResponse>>()).Items);
            await (await fsp.DeleteAsync($"/api/v1/participants/{fspId}/market-interests/{interest.InterestId}")).ShouldHave(HttpStatusCode.NoContent);

            await op.ActOnParticipantAsync(fspId, "suspend", "Failed to deliver contracted services.");
            var notices = await EventTestData.Eventually(() => mo.NoticesAsync(), n => n.Any(x => x.Kind == "onboarded-provider-suspended" && x.EventId is not null));
            Assert.Equal(fspId, notices.Single(x => x.Kind == "onboarded-provider-suspended").Subject);
            Assert.Contains((await mo.ReadFeedAsync(types: "flexregistry.participant.suspended")).Events, e => e.Subject == fspId);

            await op.ActOnParticipantAsync(fspId, "reinstate", "Remedied.");
            Assert.DoesNotContain(await mo.NoticesAsync(), n => n.Kind == "onboarded-provider-suspended");
        }
    }

    [Fact]
    public async Task BUC4_Step7_OnboardedToTheMarket_IsWhatAContractForAProductItOffersNeeds_NothingStoredBefore()
    {
        var (soId, so) = await app.MarketOperatorAsync("system-operator");
        var (_, fsp) = await app.FspAsync();
        using (so)
        using (fsp)
        {
            var product = await so.DefineProductAsync("dso-sustain");
            var unlisted = await so.DefineProductAsync("dso-sustain");
            var market = await so.PublishAsync(OnboardingTestData.Market() with { ProductIds = [product] });
            var portfolio = await fsp.RegisterPortfolioAsync();

            // Not onboarded: the contract is refused with the market named, nothing stored.
            using (var refused = await fsp.PostAsJsonAsync("/api/v1/contracts", MarketTestData.Contract(portfolio, product)))
            {
                var problem = await refused.ReadProblem(HttpStatusCode.UnprocessableEntity, "contract.validation_failed");
                var error = Assert.Single(problem.Errors!, e => e.Field == "productId");
                Assert.Equal("contract.seller_not_onboarded", error.Code);
                Assert.Contains(market.Name, error.Message, StringComparison.Ordinal);
            }
            var none = await (await fsp.GetAsync($"/api/v1/contracts?portfolio={portfolio}")).Read<Page<ContractResponse>>();
            Assert.Empty(none.Items);
            // Applied is not onboarded; the buyer proposing meets the same rule.
            var onboarding = await fsp.ApplyAsync(market.MarketId);
            using (var byBuyer = await so.PostAsJsonAsync("/api/v1/contracts", MarketTestData.Contract(portfolio, product)))
                Assert.Equal("contract.seller_not_onboarded", Assert.Single((await byBuyer.ReadProblem(HttpStatusCode.UnprocessableEntity, "contract.validation_failed")).Errors!).Code);
            // A product offered in no market needs no onboarding.
            await fsp.ProposeAsync(MarketTestData.Contract(portfolio, unlisted));

            await (await so.PostAsync($"/api/v1/onboardings/{onboarding.OnboardingId}/onboard", null)).Read<OnboardingResponse>();
            var contract = await fsp.ProposeAsync(MarketTestData.Contract(portfolio, product));
            Assert.Equal((product, soId), (contract.Contract.ProductId, contract.Contract.BuyerId));
        }
    }
}

public sealed class OnboardingTests_Sqlite(SqliteApp app) : OnboardingTests(app), IClassFixture<SqliteApp>;

public sealed class OnboardingTests_Postgres(PostgresApp app) : OnboardingTests(app), IClassFixture<PostgresApp>;
