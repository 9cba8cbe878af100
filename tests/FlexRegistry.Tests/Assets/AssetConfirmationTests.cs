using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Participants;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Assets;

/// <summary>BUC.2 step 2, seed 003: declared data is provisional at once and confirmed later by a trusted source (an OEM cloud).</summary>
public abstract class AssetConfirmationTests(RegistryApp app, FakeOemCloud oem)
{
    [Fact]
    public async Task BUC2_Step2_ProvisionalAsset_IsConfirmedByTheOemCloud_WithProvenance()
    {
        var (registration, client) = await app.RegisterAsync();
        using (client)
        {
            var request = TestData.Chargepoint();
            oem.AddDevice(request.Manufacturer!, request.SerialNumber!, "ZAPPI V2 7KW", 7.3);
            var created = await (await client.PostAsJsonAsync("/api/v1/assets", request)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            Assert.Equal("provisional", created.DataStatus);

            var asset = await WaitForAsync(client, created.AssetId, a => a.DataStatus != "provisional");
            Assert.Equal("confirmed", asset.DataStatus);
            Assert.Equal("oem-cloud", asset.Provenance!["identity"].ConfirmedBy);
            Assert.Equal("oem-cloud", asset.Provenance!["technical"].ConfirmedBy);
            Assert.NotNull(asset.Provenance!["technical"].ConfirmedAt);
            Assert.Equal(registration.ParticipantId, asset.Provenance!["identity"].DeclaredBy);
            // Location and consent are not something an OEM cloud can vouch for.
            Assert.Null(asset.Provenance!["location"].ConfirmedBy);
            Assert.Null(asset.Provenance!["consent"].ConfirmedBy);
            Assert.Contains(oem.Requests, r => r.Authorization == "Bearer " + FakeOemCloud.ApiKey);
            await AssertEventAsync(created.AssetId, "flexregistry.asset.confirmed", registration.ParticipantId);
            var audit = await (await client.GetAsync($"/api/v1/audit?resource={created.AssetId}")).Read<Page<AuditRecordResponse>>();
            Assert.Contains(audit.Items, r => r.Action == "asset.confirmation.confirmed" && r.ActorClientId == "system:confirmation" && r.ActorParticipantId is null);

            // The confirmation is a version of its own, from a trusted source.
            var confirmation = (await AssetApi.HistoryAsync(client, created.AssetId)).Items[^1];
            Assert.Equal(("asset.confirmed", "trusted-source", "oem-cloud", (string?)null), (confirmation.Action, confirmation.Source, confirmation.SourceName, confirmation.ParticipantId));
            Assert.Contains(confirmation.Changes, c => c.Field == "dataStatus" && c.New.GetString() == "confirmed");
            Assert.Contains(confirmation.Changes, c => c.Field == "provenance.technical.confirmedBy" && c.New.GetString() == "oem-cloud");

            // An upgrade makes the technical data provisional again until the source confirms the new values.
            var (_, etag) = await AssetApi.ReadAsync(client, created.AssetId);
            var (upgraded, _) = await AssetApi.TransitionOkAsync(client, created.AssetId, "upgrade", new UpgradeAssetRequest { ImportCapacityKw = 22m, Reason = "Bigger charger" }, etag);
            Assert.Equal("provisional", upgraded.DataStatus);
            Assert.Null(upgraded.Provenance!["technical"].ConfirmedBy);
            var rechecked = await WaitForAsync(client, created.AssetId, a => a.DataStatus != "provisional");
            Assert.Equal("mismatch", rechecked.DataStatus); // the OEM says 7.3 kW, not 22
            var mismatch = (await AssetApi.HistoryAsync(client, created.AssetId)).Items[^1];
            Assert.Equal(("asset.confirmation_mismatch", "trusted-source"), (mismatch.Action, mismatch.Source));
        }
    }

    [Fact]
    public async Task BUC2_Step2_OemCloudDown_TheQueueRetriesUntilItAnswers()
    {
        var (_, client) = await app.RegisterAsync();
        using (client)
        {
            var request = TestData.Chargepoint();
            oem.AddDevice(request.Manufacturer!, request.SerialNumber!, request.Model!, 7.4);
            // Each lookup may itself be retried once by the HTTP resilience handler; 3 failures outlast the first attempt.
            oem.FailNext(request.SerialNumber!, 3);
            var created = await (await client.PostAsJsonAsync("/api/v1/assets", request)).Read<RegisterAssetResponse>(HttpStatusCode.Created);

            var asset = await WaitForAsync(client, created.AssetId, a => a.DataStatus != "provisional");
            Assert.Equal("confirmed", asset.DataStatus);
            Assert.True(oem.RequestsFor(request.SerialNumber!) >= 4);
        }
    }

    [Fact]
    public async Task BUC2_Step2_OemCloudDisagrees_FlagsTheAsset_AndTellsTheRegistrant()
    {
        var (registration, client) = await app.RegisterAsync();
        using (client)
        {
            var request = TestData.Chargepoint();
            oem.AddDevice(request.Manufacturer!, request.SerialNumber!, "zappi v2 22kW", 22);
            var created = await (await client.PostAsJsonAsync("/api/v1/assets", request)).Read<RegisterAssetResponse>(HttpStatusCode.Created);

            var asset = await WaitForAsync(client, created.AssetId, a => a.DataStatus != "provisional");
            Assert.Equal("mismatch", asset.DataStatus);
            Assert.Contains("ratedCapacityKw", asset.ConfirmationNote, StringComparison.Ordinal);
            Assert.Contains("model", asset.ConfirmationNote, StringComparison.Ordinal);
            Assert.Null(asset.Provenance!["technical"].ConfirmedBy);
            await AssertEventAsync(created.AssetId, "flexregistry.asset.confirmation_mismatch", registration.ParticipantId);

            // A device the OEM does not know at all is flagged too.
            var unknown = await (await client.PostAsJsonAsync("/api/v1/assets", TestData.Chargepoint())).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            var unknownAsset = await WaitForAsync(client, unknown.AssetId, a => a.DataStatus != "provisional");
            Assert.Equal("mismatch", unknownAsset.DataStatus);
            Assert.Contains("serialNumber", unknownAsset.ConfirmationNote, StringComparison.Ordinal);
        }
    }

    private static Task<AssetResponse> WaitForAsync(HttpClient client, string id, Func<AssetResponse, bool> until) =>
        RegistrationTests.Eventually(async () => await (await client.GetAsync($"/api/v1/assets/{id}")).Read<AssetResponse>(), until);

    private async Task AssertEventAsync(string assetId, string type, string audience)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var events = await db.Events.AsNoTracking().Where(e => e.Subject == assetId && e.Type == type).ToListAsync();
        var recorded = Assert.Single(events);
        Assert.Contains($" {audience} ", recorded.Audience, StringComparison.Ordinal);
    }
}

public sealed class AssetConfirmationTests_Sqlite(SqliteAppWithOemCloud app)
    : AssetConfirmationTests(app, app.OemCloud), IClassFixture<SqliteAppWithOemCloud>;

public sealed class AssetConfirmationTests_Postgres(PostgresAppWithOemCloud app)
    : AssetConfirmationTests(app, app.OemCloud), IClassFixture<PostgresAppWithOemCloud>;
