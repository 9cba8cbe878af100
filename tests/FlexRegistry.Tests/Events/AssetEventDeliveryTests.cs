using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Events;

/// <summary>Asset events reach the parties with a legitimate interest, through area (geofence) subscriptions.</summary>
public abstract class AssetEventDeliveryTests(RegistryApp app)
{
    private const string DuplicateAttempted = "flexregistry.asset.duplicate_attempted";

    private WebhookReceiver Receiver => ((IHaveWebhookReceiver)app).Receiver;

    [Fact]
    public async Task BUC2_Step5a_DuplicateAttempt_IsDeliveredToTheAttachedPartyInItsArea_AndToNobodyElse()
    {
        var (_, fsp1) = await app.RegisterActiveAsync();
        var (_, fspN) = await app.RegisterActiveAsync(TestData.Registration(roles: ["fsp"]));
        using (fsp1)
        using (fspN)
        {
            var asset = TestData.Chargepoint();
            var district = asset.Address!.Postcode!.Split(' ')[0];
            using var created = await fsp1.PostAsJsonAsync("/api/v1/assets", asset);
            var assetId = (await created.Read<Dictionary<string, object>>(HttpStatusCode.Created))["assetId"].ToString();

            var inArea = Receiver.NewUrl();
            var elsewhere = Receiver.NewUrl();
            var stranger = Receiver.NewUrl();
            await Subscribe(fsp1, inArea, new AreaFilterDto { PostcodeDistricts = [district] });
            await Subscribe(fsp1, elsewhere, new AreaFilterDto { PostcodeDistricts = ["ZE3"] });
            await Subscribe(fspN, stranger, null);

            using var attempt = await fspN.PostAsJsonAsync("/api/v1/assets", asset);
            await attempt.ReadProblem(HttpStatusCode.Conflict, "asset.duplicate");

            var clock = System.Diagnostics.Stopwatch.StartNew();
            while (Receiver.At(inArea).Count == 0 && clock.Elapsed < TimeSpan.FromSeconds(20))
                await Task.Delay(100);
            var delivered = Assert.Single(Receiver.At(inArea));
            Assert.Equal(DuplicateAttempted, delivered.Type);
            Assert.Equal(assetId, delivered.Subject);
            var data = delivered.Event.GetProperty("data");
            Assert.Equal(district, data.GetProperty("location").GetProperty("postcodeDistrict").GetString());
            // Thin data: no address, MPAN or serial travels in the event.
            Assert.DoesNotContain(asset.Mpan!, delivered.Body, StringComparison.Ordinal);
            Assert.DoesNotContain(asset.SerialNumber!, delivered.Body, StringComparison.Ordinal);
            Assert.DoesNotContain("Mill Lane", delivered.Body, StringComparison.Ordinal);

            // The other area and the unrelated FSP get nothing (the dispatcher has had time to pass over them).
            await Task.Delay(TimeSpan.FromSeconds(1.5));
            Assert.Empty(Receiver.At(elsewhere));
            Assert.Empty(Receiver.At(stranger));
        }
    }

    private static async Task Subscribe(HttpClient client, string url, AreaFilterDto? areas)
    {
        using var response = await client.PostAsJsonAsync("/api/v1/subscriptions", new CreateSubscriptionRequest
        {
            Url = url,
            Types = [DuplicateAttempted],
            Filters = areas is null ? null : new SubscriptionFiltersDto { Areas = areas },
        });
        await response.ShouldHave(HttpStatusCode.Created);
    }
}

public sealed class AssetEventDeliveryTests_Sqlite(SqliteAppWithReceiver app) : AssetEventDeliveryTests(app), IClassFixture<SqliteAppWithReceiver>;

public sealed class AssetEventDeliveryTests_Postgres(PostgresAppWithReceiver app) : AssetEventDeliveryTests(app), IClassFixture<PostgresAppWithReceiver>;
