using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Events;

/// <summary>Subscriptions and signed webhook delivery by the background dispatcher (real clock, local receiver).</summary>
public abstract class SubscriptionTests(RegistryApp app)
{
    private WebhookReceiver Receiver => ((IHaveWebhookReceiver)app).Receiver;

    [Fact]
    public async Task Create_ReturnsIdAndSecretOnce_ThenReadChangeAndDelete()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var url = Receiver.NewUrl();
            using var created = await client.PostAsJsonAsync("/api/v1/subscriptions", new CreateSubscriptionRequest
            {
                Url = url,
                Types = [EventTestData.Updated],
                Filters = new SubscriptionFiltersDto { Areas = new AreaFilterDto { DnoAreas = [10], GspGroups = ["c"], PostcodeDistricts = ["cb1"], Bbox = new BoundingBoxDto { MinLatitude = 52, MaxLatitude = 52.5, MinLongitude = 0, MaxLongitude = 0.3 } } },
            });
            var subscription = await created.Read<SubscriptionSecretResponse>(HttpStatusCode.Created);
            Assert.Equal($"/api/v1/subscriptions/{subscription.Id}", created.Headers.Location?.OriginalString);
            Assert.StartsWith("whsec_", subscription.Secret, StringComparison.Ordinal);
            Assert.Equal(32, Convert.FromBase64String(subscription.Secret["whsec_".Length..]).Length);
            Assert.Equal("active", subscription.Subscription.Status);
            Assert.Equal(["_C"], subscription.Subscription.Filters.Areas!.GspGroups);
            Assert.Equal(["CB1"], subscription.Subscription.Filters.Areas!.PostcodeDistricts);

            var read = await (await client.GetAsync($"/api/v1/subscriptions/{subscription.Id}")).Read<SubscriptionResponse>();
            Assert.Equal(url, read.Url);
            Assert.DoesNotContain("whsec_", await (await client.GetAsync($"/api/v1/subscriptions/{subscription.Id}")).Content.ReadAsStringAsync(), StringComparison.Ordinal);
            var list = await (await client.GetAsync("/api/v1/subscriptions")).Read<Page<SubscriptionResponse>>();
            Assert.Equal([subscription.Id], list.Items.Select(s => s.Id));

            // Opt in to another type, out of the first; pause.
            var changed = await (await client.PatchAsJsonAsync($"/api/v1/subscriptions/{subscription.Id}",
                new UpdateSubscriptionRequest { Types = ["flexregistry.participant.suspended"], Active = false })).Read<SubscriptionResponse>();
            Assert.Equal(["flexregistry.participant.suspended"], changed.Types);
            Assert.Equal("disabled", changed.Status);

            using var deleted = await client.DeleteAsync($"/api/v1/subscriptions/{subscription.Id}");
            await deleted.ShouldHave(HttpStatusCode.NoContent);
            using var gone = await client.GetAsync($"/api/v1/subscriptions/{subscription.Id}");
            await gone.ReadProblem(HttpStatusCode.NotFound, "subscription.not_found");
        }
    }

    [Fact]
    public async Task Create_InvalidInput_ListsEveryError()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            using var response = await client.PostAsJsonAsync("/api/v1/subscriptions", new CreateSubscriptionRequest
            {
                Url = "ftp://example.com/hook",
                Types = ["flexregistry.participant.updated", "flexregistry.no_such_thing"],
                Filters = new SubscriptionFiltersDto
                {
                    ParticipantIds = ["FRP-NOPE"],
                    Areas = new AreaFilterDto { DnoAreas = [99], GspGroups = ["_Z"], PostcodeDistricts = ["123"], Bbox = new BoundingBoxDto { MinLatitude = 10, MaxLatitude = 5, MinLongitude = 0, MaxLongitude = 1 } },
                },
            });
            var problem = await response.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
            Assert.Equal(
                ["filters.areas.bbox", "filters.areas.dnoAreas[0]", "filters.areas.gspGroups[0]", "filters.areas.postcodeDistricts[0]", "filters.participantIds[0]", "types[1]", "url"],
                problem.Errors!.Select(e => e.Field).Order(StringComparer.Ordinal));
            Assert.Contains(problem.Errors!, e => e.Code == "subscription.type_unknown");
            Assert.Contains(problem.Errors!, e => e.Code == "subscription.url_invalid");
        }
    }

    [Fact]
    public async Task AnotherParticipantsSubscription_AnswersNotFound_LikeAMissingOne()
    {
        var (_, owner) = await app.RegisterAsync();
        var (_, other) = await app.RegisterAsync();
        using (owner)
        using (other)
        {
            var subscription = await owner.SubscribeAsync(Receiver.NewUrl());
            foreach (var request in new[]
            {
                new HttpRequestMessage(HttpMethod.Get, $"/api/v1/subscriptions/{subscription.Id}"),
                new HttpRequestMessage(HttpMethod.Delete, $"/api/v1/subscriptions/{subscription.Id}"),
                new HttpRequestMessage(HttpMethod.Post, $"/api/v1/subscriptions/{subscription.Id}/rotate-secret"),
                new HttpRequestMessage(HttpMethod.Get, $"/api/v1/subscriptions/{subscription.Id}/dead-letters"),
                new HttpRequestMessage(HttpMethod.Get, $"/api/v1/subscriptions/{Guid.NewGuid()}"),
            })
            {
                using (request)
                using (var response = await other.SendAsync(request))
                    await response.ReadProblem(HttpStatusCode.NotFound, "subscription.not_found");
            }
            var list = await (await other.GetAsync("/api/v1/subscriptions")).Read<Page<SubscriptionResponse>>();
            Assert.Empty(list.Items);
        }
    }

    [Fact]
    public async Task Webhook_IsAStandardWebhookSignedWithTheSecret_CarryingTheCloudEvent()
    {
        var (a, client) = await app.RegisterActiveAsync();
        using (client)
        {
            var url = Receiver.NewUrl();
            var subscription = await client.SubscribeAsync(url);
            await client.UpdateCommercialInformationAsync(a.ParticipantId);

            var received = await EventTestData.Eventually(() => Task.FromResult(Receiver.At(url)), r => r.Count >= 1);
            var webhook = Assert.Single(received);
            var (feed, _) = await client.ReadFeedAsync(types: EventTestData.Updated);
            var cloudEvent = Assert.Single(feed);
            Assert.Equal(cloudEvent.Id, webhook.Id);
            Assert.Equal(cloudEvent.Sequence, webhook.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(a.ParticipantId, webhook.Subject);
            Assert.Equal(EventTestData.Updated, webhook.Type);
            Assert.InRange(long.Parse(webhook.Timestamp, System.Globalization.CultureInfo.InvariantCulture),
                TimeProvider.System.GetUtcNow().AddMinutes(-5).ToUnixTimeSeconds(), TimeProvider.System.GetUtcNow().AddMinutes(1).ToUnixTimeSeconds());
            Assert.Equal(Signature(subscription.Secret, webhook), webhook.Signature);
        }
    }

    [Fact]
    public async Task RotatedSecret_NewAndOldBothSignDuringTheOverlap()
    {
        var (a, client) = await app.RegisterActiveAsync();
        using (client)
        {
            var url = Receiver.NewUrl();
            var subscription = await client.SubscribeAsync(url);
            var rotated = await (await client.PostAsync($"/api/v1/subscriptions/{subscription.Id}/rotate-secret", null)).Read<SubscriptionSecretResponse>();
            Assert.NotEqual(subscription.Secret, rotated.Secret);
            Assert.True(rotated.PreviousSecretValidUntil > TimeProvider.System.GetUtcNow().AddHours(23));

            await client.UpdateCommercialInformationAsync(a.ParticipantId);
            var webhook = Assert.Single(await EventTestData.Eventually(() => Task.FromResult(Receiver.At(url)), r => r.Count >= 1));
            Assert.Equal(Signature(rotated.Secret, webhook) + " " + Signature(subscription.Secret, webhook), webhook.Signature);
        }
    }

    [Fact]
    public async Task Receiver410_DisablesTheSubscription_UntilTheSubscriberResumesIt()
    {
        var (a, client) = await app.RegisterActiveAsync();
        using (client)
        {
            var url = Receiver.NewUrl();
            Receiver.Answer(url, _ => (410, null));
            var subscription = await client.SubscribeAsync(url);
            await client.UpdateCommercialInformationAsync(a.ParticipantId);

            var disabled = await EventTestData.Eventually(
                async () => await (await client.GetAsync($"/api/v1/subscriptions/{subscription.Id}")).Read<SubscriptionResponse>(),
                s => s.Status == "disabled");
            Assert.Equal("disabled", disabled.Status);
            Assert.Contains("410", disabled.DisabledReason, StringComparison.Ordinal);
            // Disabled, nothing more is sent. (Not always exactly one webhook: when another test holds a write transaction
            // open past the subscription's catch-up wait, the subscription may begin before the subscriber's own earlier
            // events, and those come first, per subject.)
            var gone = Receiver.At(url);
            Assert.All(gone, w => Assert.Equal(410, w.Answered));
            var waiting = gone[0].Id;

            // Resumed, the waiting delivery goes out first (same event, same webhook-id).
            Receiver.Answer(url, _ => (200, null));
            await (await client.PatchAsJsonAsync($"/api/v1/subscriptions/{subscription.Id}", new UpdateSubscriptionRequest { Active = true })).Read<SubscriptionResponse>();
            var received = await EventTestData.Eventually(() => Task.FromResult(Receiver.At(url)), r => r.Any(w => w.Answered == 200));
            Assert.Equal(waiting, received.First(w => w.Answered == 200).Id);
            Assert.Equal(gone.Count, received.TakeWhile(w => w.Answered != 200).Count());
        }
    }

    [Fact]
    public async Task Replay_RedeliversFromASequence_WithTheSameWebhookIds()
    {
        var (a, client) = await app.RegisterActiveAsync();
        using (client)
        {
            var url = Receiver.NewUrl();
            var subscription = await client.SubscribeAsync(url);
            for (var i = 0; i < 3; i++)
                await client.UpdateCommercialInformationAsync(a.ParticipantId);
            var first = await EventTestData.Eventually(() => Task.FromResult(Receiver.At(url)), r => r.Count >= 3);
            Assert.Equal(3, first.Count);

            using var replay = await client.PostAsJsonAsync($"/api/v1/subscriptions/{subscription.Id}/replay", new ReplayRequest { FromSequence = first[1].Sequence });
            await replay.ShouldHave(HttpStatusCode.Accepted);
            var all = await EventTestData.Eventually(() => Task.FromResult(Receiver.At(url)), r => r.Count >= 5);
            Assert.Equal(first.Skip(1).Select(w => w.Id), all.Skip(3).Select(w => w.Id));

            using var bad = await client.PostAsJsonAsync($"/api/v1/subscriptions/{subscription.Id}/replay", new ReplayRequest());
            await bad.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");
        }
    }

    [Fact]
    public async Task OperatorSubscriptionFilteredByParticipant_ReceivesOnlyThatParticipantsEvents()
    {
        var (a, clientA) = await app.RegisterActiveAsync();
        var (b, clientB) = await app.RegisterActiveAsync();
        using var op = await app.OperatorAsync();
        using (clientA)
        using (clientB)
        {
            var onlyA = Receiver.NewUrl();
            var everything = Receiver.NewUrl();
            await op.SubscribeAsync(onlyA, filters: new SubscriptionFiltersDto { ParticipantIds = [a.ParticipantId] });
            await op.SubscribeAsync(everything);
            // A participant's own subscription sees only events naming it, even unfiltered.
            var ownUrl = Receiver.NewUrl();
            await clientB.SubscribeAsync(ownUrl);

            await clientA.UpdateCommercialInformationAsync(a.ParticipantId);
            await clientB.UpdateCommercialInformationAsync(b.ParticipantId);

            // Order is promised per subject only: a's and b's events may arrive in either order, so wait for both.
            var all = await EventTestData.Eventually(() => Task.FromResult(Receiver.At(everything)),
                r => r.Any(w => w.Subject == a.ParticipantId) && r.Any(w => w.Subject == b.ParticipantId));
            Assert.Contains(all, w => w.Subject == a.ParticipantId);
            Assert.Contains(all, w => w.Subject == b.ParticipantId);
            // Fan-out goes through the log in order, so by now both events have been considered for every subscription.
            await EventTestData.Eventually(() => Task.FromResult(Receiver.At(ownUrl)), r => r.Count >= 1);
            await EventTestData.Eventually(() => Task.FromResult(Receiver.At(onlyA)), r => r.Count >= 1);
            Assert.Equal([a.ParticipantId], Receiver.At(onlyA).Select(w => w.Subject).Distinct());
            Assert.Equal([b.ParticipantId], Receiver.At(ownUrl).Select(w => w.Subject).Distinct());
        }
    }

    /// <summary>Standard Webhooks: v1, base64(HMAC-SHA256(base64-decoded secret, "{id}.{timestamp}.{body}")).</summary>
    internal static string Signature(string secret, ReceivedWebhook webhook)
    {
        var key = Convert.FromBase64String(secret["whsec_".Length..]);
        return "v1," + Convert.ToBase64String(HMACSHA256.HashData(key, Encoding.UTF8.GetBytes($"{webhook.Id}.{webhook.Timestamp}.{webhook.Body}")));
    }
}

public sealed class SubscriptionTests_Sqlite(SqliteAppWithReceiver app) : SubscriptionTests(app), IClassFixture<SqliteAppWithReceiver>;

public sealed class SubscriptionTests_Postgres(PostgresAppWithReceiver app) : SubscriptionTests(app), IClassFixture<PostgresAppWithReceiver>;
