using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Events;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Participants;

/// <summary>BUC.4 steps 4, 5 and 9: expressed interest and data-sharing grants are the relationships that "update once, notify all" uses.</summary>
public abstract class RelationshipTests(RegistryApp app)
{
    private WebhookReceiver Receiver => ((IHaveWebhookReceiver)app).Receiver;

    private static GiveGrantRequest Grant(string? grantee = null, string? role = null, string part = "commercial-information.bank-details") => new()
    {
        GranteeParticipantId = grantee,
        GranteeRole = role,
        Part = part,
        Purpose = "onboarding",
        ExpiresAt = TimeProvider.System.GetUtcNow().AddDays(30),
    };

    [Fact]
    public async Task BUC4_Step9_CorporateInformationChangedOnce_EveryRelatedMarketOperatorIsNotified_UnrelatedAndRevokedAreNot()
    {
        var (fsp, fspClient) = await app.RegisterActiveAsync();
        var (interested, interestedClient) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        var (unrelated, unrelatedClient) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        var (granted, grantedClient) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        using (fspClient)
        using (interestedClient)
        using (unrelatedClient)
        using (grantedClient)
        {
            var interestedUrl = Receiver.NewUrl();
            var unrelatedUrl = Receiver.NewUrl();
            var grantedUrl = Receiver.NewUrl();
            await interestedClient.SubscribeAsync(interestedUrl);
            await unrelatedClient.SubscribeAsync(unrelatedUrl);
            await grantedClient.SubscribeAsync(grantedUrl);

            var interest = await (await fspClient.PostAsJsonAsync($"/api/v1/participants/{fsp.ParticipantId}/market-interests",
                new ExpressInterestRequest { MarketOperatorId = interested.ParticipantId })).Read<MarketInterestResponse>(HttpStatusCode.Created);
            var grant = await (await fspClient.PostAsJsonAsync($"/api/v1/participants/{fsp.ParticipantId}/data-sharing-grants",
                Grant(granted.ParticipantId))).Read<GrantResponse>(HttpStatusCode.Created);

            // Changed once.
            await fspClient.UpdateCommercialInformationAsync(fsp.ParticipantId);

            var toInterested = await EventTestData.Eventually(() => Task.FromResult(Receiver.At(interestedUrl)), r => r.Count >= 1);
            var toGranted = await EventTestData.Eventually(() => Task.FromResult(Receiver.At(grantedUrl)), r => r.Count >= 1);
            Assert.Equal([fsp.ParticipantId], toInterested.Select(w => w.Subject));
            Assert.Equal([EventTestData.Updated], toGranted.Select(w => w.Type));
            var (interestedFeed, _) = await interestedClient.ReadFeedAsync(types: EventTestData.Updated);
            var (grantedFeed, _) = await grantedClient.ReadFeedAsync(types: EventTestData.Updated);
            var (unrelatedFeed, _) = await unrelatedClient.ReadFeedAsync(types: EventTestData.Updated);
            Assert.Single(interestedFeed);
            Assert.Single(grantedFeed);
            Assert.Empty(unrelatedFeed);

            // The grant is revoked and the interest withdrawn: the next changes reach each of them no more.
            using (var revoked = await fspClient.PostAsJsonAsync($"/api/v1/participants/{fsp.ParticipantId}/data-sharing-grants/{grant.GrantId}/revoke",
                       new RevokeGrantRequest { Reason = "Contract ended" }))
                Assert.Equal("revoked", (await revoked.Read<GrantResponse>()).Status);
            await fspClient.UpdateCommercialInformationAsync(fsp.ParticipantId);
            await EventTestData.Eventually(() => Task.FromResult(Receiver.At(interestedUrl)), r => r.Count >= 2);
            using (var withdrawn = await fspClient.DeleteAsync($"/api/v1/participants/{fsp.ParticipantId}/market-interests/{interest.InterestId}"))
                await withdrawn.ShouldHave(HttpStatusCode.NoContent);
            await fspClient.UpdateCommercialInformationAsync(fsp.ParticipantId);

            Assert.Equal(2, (await interestedClient.ReadFeedAsync(types: EventTestData.Updated)).Events.Count);
            Assert.Single((await grantedClient.ReadFeedAsync(types: EventTestData.Updated)).Events);
            Assert.Empty((await unrelatedClient.ReadFeedAsync(types: EventTestData.Updated)).Events);
            Assert.Equal(3, (await fspClient.ReadFeedAsync(types: EventTestData.Updated)).Events.Count);
            Assert.Empty(Receiver.At(unrelatedUrl));
            Assert.Single(Receiver.At(grantedUrl));
        }
    }

    [Fact]
    public async Task BUC4_Step9_RoleGrant_RelatesEveryHolderOfTheRole()
    {
        var (fsp, fspClient) = await app.RegisterActiveAsync();
        var (mo, moClient) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        var (other, otherClient) = await app.RegisterActiveAsync(TestData.Registration(roles: "flex-owner"));
        using (fspClient)
        using (moClient)
        using (otherClient)
        {
            await (await fspClient.PostAsJsonAsync($"/api/v1/participants/{fsp.ParticipantId}/data-sharing-grants", Grant(role: "market-operator")))
                .Read<GrantResponse>(HttpStatusCode.Created);
            await fspClient.UpdateCommercialInformationAsync(fsp.ParticipantId);
            Assert.Contains((await moClient.ReadFeedAsync(types: EventTestData.Updated)).Events, e => e.Subject == fsp.ParticipantId);
            Assert.DoesNotContain((await otherClient.ReadFeedAsync(types: EventTestData.Updated)).Events, e => e.Subject == fsp.ParticipantId);

            // The grantee sees it among the grants it holds through its role.
            var received = await (await moClient.GetAsync($"/api/v1/participants/{mo.ParticipantId}/data-sharing-grants?direction=received")).Read<Page<GrantResponse>>();
            Assert.Contains(received.Items, g => g.GrantorId == fsp.ParticipantId && g.GranteeRole == "market-operator");
            _ = other;
        }
    }

    [Fact]
    public async Task BUC4_Step6_ExpressInterest_OnePerPair_EventsToBoth_ListedGivenAndReceived_WithdrawAndExpressAgain()
    {
        var (fsp, fspClient) = await app.RegisterActiveAsync();
        var (mo, moClient) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        using (fspClient)
        using (moClient)
        {
            var path = $"/api/v1/participants/{fsp.ParticipantId}/market-interests";
            var request = new ExpressInterestRequest { MarketOperatorId = mo.ParticipantId, Note = "Sustain and Secure in SPM" };
            // Concurrent identical requests: the database lets exactly one through.
            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => fspClient.PostAsJsonAsync(path, request)));
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
            var conflict = answers.First(a => a.StatusCode != HttpStatusCode.Created);
            Assert.Contains("\"existingInterestId\":\"", await conflict.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await conflict.ReadProblem(HttpStatusCode.Conflict, "participant.interest_exists");
            foreach (var a in answers)
                a.Dispose();

            var given = await (await fspClient.GetAsync(path)).Read<Page<MarketInterestResponse>>();
            var interest = Assert.Single(given.Items);
            Assert.Equal("active", interest.Status);
            var received = await (await moClient.GetAsync($"/api/v1/participants/{mo.ParticipantId}/market-interests?direction=received")).Read<Page<MarketInterestResponse>>();
            Assert.Equal([interest.InterestId], received.Items.Select(i => i.InterestId));
            Assert.Contains((await moClient.ReadFeedAsync(types: "flexregistry.market_interest.expressed")).Events, e => e.Subject == fsp.ParticipantId);

            // Someone else's relationships do not exist for the caller.
            using (var foreign = await moClient.GetAsync(path))
                await foreign.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");

            using (var withdrawn = await fspClient.DeleteAsync($"{path}/{interest.InterestId}"))
                await withdrawn.ShouldHave(HttpStatusCode.NoContent);
            using (var again = await fspClient.DeleteAsync($"{path}/{interest.InterestId}"))
                await again.ReadProblem(HttpStatusCode.NotFound, "participant.interest_not_found");
            Assert.Contains((await moClient.ReadFeedAsync(types: "flexregistry.market_interest.withdrawn")).Events, e => e.Subject == fsp.ParticipantId);
            await (await fspClient.PostAsJsonAsync(path, request)).Read<MarketInterestResponse>(HttpStatusCode.Created);
            var all = await (await fspClient.GetAsync(path + "?includeWithdrawn=true")).Read<Page<MarketInterestResponse>>();
            Assert.Equal(["active", "withdrawn"], all.Items.Select(i => i.Status));
        }
    }

    [Fact]
    public async Task BUC4_Step6_Interest_OnlyFromProvidersInParticipantsThatRunMarkets()
    {
        var (fsp, fspClient) = await app.RegisterActiveAsync();
        var (owner, ownerClient) = await app.RegisterActiveAsync(TestData.Registration(roles: "flex-owner"));
        using (fspClient)
        using (ownerClient)
        {
            using var notAMarket = await fspClient.PostAsJsonAsync($"/api/v1/participants/{fsp.ParticipantId}/market-interests",
                new ExpressInterestRequest { MarketOperatorId = owner.ParticipantId });
            await notAMarket.ReadProblem(HttpStatusCode.UnprocessableEntity, "participant.interest_not_allowed");
            // The body's contract (the note's length, as the OpenAPI document states it) is checked before the operation's rules.
            using var tooLong = await fspClient.PostAsJsonAsync($"/api/v1/participants/{fsp.ParticipantId}/market-interests",
                new ExpressInterestRequest { MarketOperatorId = "nope", Note = new string('x', 501) });
            var problem = await tooLong.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Equal(("note", "field.too_long"), (Assert.Single(problem.Errors!).Field, problem.Errors![0].Code));
            using var invalid = await fspClient.PostAsJsonAsync($"/api/v1/participants/{fsp.ParticipantId}/market-interests",
                new ExpressInterestRequest { MarketOperatorId = "nope", Note = new string('x', 500) });
            problem = await invalid.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Equal(["marketOperatorId"], problem.Errors!.Select(e => e.Field));
        }
    }

    [Fact]
    public async Task BUC4_Step4_Grant_UniquePerGranteeAndPart_InvalidInputListsEveryError_RevokedFreesTheSlot()
    {
        var (fsp, fspClient) = await app.RegisterActiveAsync();
        var (mo, moClient) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        using (fspClient)
        using (moClient)
        {
            var path = $"/api/v1/participants/{fsp.ParticipantId}/data-sharing-grants";
            var answers = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => fspClient.PostAsJsonAsync(path, Grant(mo.ParticipantId))));
            Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
            await answers.First(a => a.StatusCode != HttpStatusCode.Created).ReadProblem(HttpStatusCode.Conflict, "participant.grant_exists");
            foreach (var a in answers)
                a.Dispose();
            // Another part to the same grantee is another grant.
            await (await fspClient.PostAsJsonAsync(path, Grant(mo.ParticipantId, part: "commercial-information.insurance"))).Read<GrantResponse>(HttpStatusCode.Created);

            using (var invalid = await fspClient.PostAsJsonAsync(path, new GiveGrantRequest
            {
                GranteeParticipantId = mo.ParticipantId,
                GranteeRole = "market-operator",
                Part = "everything",
                ExpiresAt = TimeProvider.System.GetUtcNow().AddDays(-1),
            }))
            {
                var problem = await invalid.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
                Assert.Equal(["expiresAt", "granteeParticipantId", "part", "purpose"], problem.Errors!.Select(e => e.Field).Order(StringComparer.Ordinal));
            }

            var given = await (await fspClient.GetAsync(path)).Read<Page<GrantResponse>>();
            Assert.Equal(2, given.Items.Count);
            var received = await (await moClient.GetAsync($"/api/v1/participants/{mo.ParticipantId}/data-sharing-grants?direction=received")).Read<Page<GrantResponse>>();
            // Role grants that other tests' FSPs give to every market operator are received too; this FSP's are all there.
            Assert.Equal(given.Items.Select(g => g.GrantId).Order(StringComparer.Ordinal),
                received.Items.Where(g => g.GrantorId == fsp.ParticipantId).Select(g => g.GrantId).Order(StringComparer.Ordinal));
            Assert.Contains((await moClient.ReadFeedAsync(types: "flexregistry.data_sharing_grant.given")).Events, e => e.Subject == fsp.ParticipantId);

            // Only the grantor revokes; then the same grant may be given again.
            var bank = given.Items.Single(g => g.Part == "commercial-information.bank-details");
            using (var notYours = await moClient.PostAsJsonAsync($"{path}/{bank.GrantId}/revoke", new RevokeGrantRequest { Reason = "x" }))
                await notYours.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            await (await fspClient.PostAsJsonAsync($"{path}/{bank.GrantId}/revoke", new RevokeGrantRequest { Reason = "Ended" })).Read<GrantResponse>();
            Assert.Contains((await moClient.ReadFeedAsync(types: "flexregistry.data_sharing_grant.revoked")).Events, e => e.Subject == fsp.ParticipantId);
            await (await fspClient.PostAsJsonAsync(path, Grant(mo.ParticipantId))).Read<GrantResponse>(HttpStatusCode.Created);
            var all = await (await fspClient.GetAsync(path + "?includeEnded=true")).Read<Page<GrantResponse>>();
            Assert.Equal(["active", "active", "revoked"], all.Items.Select(g => g.Status).Order(StringComparer.Ordinal));
        }
    }
}

public sealed class RelationshipTests_Sqlite(SqliteAppWithReceiver app) : RelationshipTests(app), IClassFixture<SqliteAppWithReceiver>;

public sealed class RelationshipTests_Postgres(PostgresAppWithReceiver app) : RelationshipTests(app), IClassFixture<PostgresAppWithReceiver>;
