using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Events;

/// <summary>BUC.4 steps 7 and 9: notices of action needed, and "update once, notify all" as far as relationships exist.</summary>
public abstract class NoticeTests(RegistryApp app)
{
    private WebhookReceiver Receiver => ((IHaveWebhookReceiver)app).Receiver;

    private static async Task<IReadOnlyList<NoticeResponse>> NoticesAsync(HttpClient client) =>
        (await (await client.GetAsync("/api/v1/notices")).Read<Page<NoticeResponse>>()).Items;

    [Fact]
    public async Task BUC4_Step7_VerificationSentToManualReview_IsANoticeRaisedAsAnEvent_UntilResolved()
    {
        var (registration, client) = await app.RegisterAsync();
        using (client)
        {
            // The notice names its event once the event is sequenced (after commit; later on a loaded machine).
            var notices = await EventTestData.Eventually(() => NoticesAsync(client), n => n.Count >= 1 && n[0].EventId is not null);
            var notice = Assert.Single(notices);
            Assert.Equal("verification-review", notice.Kind);
            Assert.Equal(registration.ParticipantId, notice.Subject);
            Assert.Equal($"/api/v1/participants/{registration.ParticipantId}", notice.Resource);

            // The notice names the event that raised it, which the participant's feed carries.
            var (feed, _) = await client.ReadFeedAsync(types: "flexregistry.participant.verification_review_required");
            Assert.Equal(notice.EventId, Assert.Single(feed).Id);

            using var op = await app.OperatorAsync();
            using var verified = await op.PostAsJsonAsync($"/api/v1/participants/{registration.ParticipantId}/verify", new StatusActionRequest { Reason = "Documents checked" });
            await verified.ShouldHave(System.Net.HttpStatusCode.OK);
            Assert.Empty(await NoticesAsync(client));
        }
    }

    [Fact]
    public async Task BUC4_Step7_PossibleDuplicate_IsANoticeForBothParties_NotForOthers_UntilDismissed()
    {
        var postcode = TestData.Postcode();
        var (first, c1) = await app.RegisterActiveAsync(TestData.Registration("Brightwater Flex Ltd", postcode: postcode));
        var (second, c2) = await app.RegisterActiveAsync(TestData.Registration("BRIGHTWATER FLEX LIMITED", postcode: postcode));
        var (_, stranger) = await app.RegisterActiveAsync();
        using (c1)
        using (c2)
        using (stranger)
        {
            // The notice names its event once the event is sequenced (after commit; later on a loaded machine).
            var forFirst = Assert.Single(await EventTestData.Eventually(() => NoticesAsync(c1), ns => ns.Any(n => n.Kind == "possible-duplicate" && n.EventId is not null)),
                n => n.Kind == "possible-duplicate");
            var forSecond = Assert.Single(await NoticesAsync(c2), n => n.Kind == "possible-duplicate");
            Assert.Equal(forFirst.NoticeId, forSecond.NoticeId);
            Assert.Equal(second.ParticipantId, forFirst.Subject);
            Assert.Contains(second.ParticipantId, forFirst.Action, StringComparison.Ordinal);
            Assert.Contains(first.ParticipantId, forSecond.Action, StringComparison.Ordinal);
            Assert.DoesNotContain(await NoticesAsync(stranger), n => n.Kind == "possible-duplicate");

            // Raised as an event to both parties.
            var (feed, _) = await c1.ReadFeedAsync(types: "flexregistry.participant.duplicate_suspected");
            Assert.Equal(forFirst.EventId, Assert.Single(feed).Id);

            using var op = await app.OperatorAsync();
            var caseId = forFirst.Resource.Split('/')[^1];
            using var dismissed = await op.PostAsJsonAsync($"/api/v1/duplicate-cases/{caseId}/dismiss", new DismissDuplicateRequest { Reason = "Different companies" });
            await dismissed.ShouldHave(System.Net.HttpStatusCode.OK);
            Assert.DoesNotContain(await NoticesAsync(c1), n => n.Kind == "possible-duplicate");
            Assert.DoesNotContain(await NoticesAsync(c2), n => n.Kind == "possible-duplicate");
        }
    }

    /// <summary>
    /// Update once: one change of commercial information is one <c>participant.updated</c> event, delivered to every
    /// subscription entitled to it. Today that is the participant itself and the registry operator; market operators
    /// join the audience when relationships (grants, expressed interest, contracts) exist.
    /// </summary>
    [Fact]
    public async Task BUC4_Step9_CommercialInformationChangedOnce_IsOneParticipantUpdatedEvent_DeliveredToEverySubscriberEntitledToIt()
    {
        var (a, client) = await app.RegisterActiveAsync();
        var (_, unrelated) = await app.RegisterActiveAsync();
        using var op = await app.OperatorAsync();
        using (client)
        using (unrelated)
        {
            var own = Receiver.NewUrl();
            var registry = Receiver.NewUrl();
            var stranger = Receiver.NewUrl();
            await client.SubscribeAsync(own);
            await op.SubscribeAsync(registry, filters: new SubscriptionFiltersDto { ParticipantIds = [a.ParticipantId] });
            await unrelated.SubscribeAsync(stranger);

            await client.UpdateCommercialInformationAsync(a.ParticipantId);

            var toOwner = Assert.Single(await EventTestData.Eventually(() => Task.FromResult(Receiver.At(own)), r => r.Count >= 1));
            var toRegistry = Assert.Single(await EventTestData.Eventually(() => Task.FromResult(Receiver.At(registry)), r => r.Count >= 1));
            Assert.Equal(toOwner.Id, toRegistry.Id);
            Assert.Equal(EventTestData.Updated, toOwner.Type);
            Assert.Contains("commercialInformation", toOwner.Body, StringComparison.Ordinal);
            // Thin data: no bank details or contacts travel in the event.
            Assert.DoesNotContain("70872490", toOwner.Body, StringComparison.Ordinal);
            Assert.Empty(Receiver.At(stranger));
        }
    }
}

public sealed class NoticeTests_Sqlite(SqliteAppWithReceiver app) : NoticeTests(app), IClassFixture<SqliteAppWithReceiver>;

public sealed class NoticeTests_Postgres(PostgresAppWithReceiver app) : NoticeTests(app), IClassFixture<PostgresAppWithReceiver>;
