using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Reads;

/// <summary>
/// BUC.2 step 6: market and system operators read registered asset data — by ID and by search — seeing what the
/// visibility rule shows them; every such read declares a purpose and is access-logged, and the asset's parties see
/// the log.
/// </summary>
public abstract class AssetReadTests(RegistryApp app)
{
    [Fact]
    public async Task BUC2_Step6_MarketOperator_FindsAssetsInItsArea_AndReadsIdentityTechnicalAndCoarseLocation_NotAddressMeterOrConsent()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        var (soId, so) = await app.MarketOperatorAsync("system-operator");
        using (fsp)
        using (mo)
        using (so)
        {
            var request = ReadTestData.FullChargepoint(dno: 16);
            var assetId = await fsp.RegisterAssetAsync(request);
            var district = request.Address!.Postcode![..^4];

            // Found by area (DNO licence area, GSP group, postcode district) and type.
            foreach (var query in new[] { "dnoArea=16", "gspGroup=_G", $"postcodeDistrict={district}" })
            {
                var page = await (await mo.GetAsync($"/api/v1/assets?purpose=procurement&type=ev-chargepoint&{query}&limit=200")).Read<Page<AssetSummary>>();
                var hit = Assert.Single(page.Items, a => a.AssetId == assetId);
                Assert.Equal("North West England", hit.DnoArea);
                Assert.Equal(fspId, hit.RegistrantId);
                Assert.Equal(7.4m, hit.ImportCapacityKw);
                Assert.Empty(hit.WithheldGroups!);
            }

            foreach (var reader in new[] { mo, so })
            {
                var asset = await reader.ReadAssetAsync(assetId, "network-planning");
                // Identity, technical data, coarse location: shown.
                Assert.Equal("Myenergi Ltd", asset.Manufacturer);
                Assert.Equal("zappi v2 7kW", asset.Model);
                Assert.Equal(fspId, asset.RegistrantId);
                Assert.Equal("commissioned", asset.Status);
                Assert.Equal(0.23m, asset.ConnectionVoltageKv);
                Assert.NotNull(asset.Provenance);
                Assert.Equal(district, asset.PostcodeDistrict);
                Assert.Equal("_G", asset.GspGroup);
                Assert.Equal(52.21, asset.ApproximateLocation!.Latitude);
                // The household's address, exact position, meter points, serial and consent: withheld without a grant.
                Assert.Null(asset.Address);
                Assert.Null(asset.Location);
                Assert.Null(asset.Mpan);
                Assert.Null(asset.ExportMpan);
                Assert.Null(asset.SerialNumber);
                Assert.Null(asset.OwnerConsent);
                Assert.Null(asset.ConfirmationNote);
                Assert.Equal(["address", "identifiers", "consent", "registration"], asset.WithheldGroups);
            }

            // The registrant sees everything.
            var own = await fsp.ReadAssetAsync(assetId, purpose: null);
            Assert.Equal(request.Mpan, own.Mpan);
            Assert.Equal(request.Address.Postcode, own.Address!.Postcode);
            Assert.Empty(own.WithheldGroups!);
            _ = (moId, soId);
        }
    }

    [Fact]
    public async Task BUC2_Step6_ReadWithoutPurpose_IsRefusedWithAClearProblem_AnotherFspSeesNothing_AndNothingIsLogged()
    {
        var (_, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        var (otherId, other) = await app.FspAsync();
        using (fsp)
        using (mo)
        using (other)
        {
            var assetId = await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint());

            using (var byId = await mo.GetAsync($"/api/v1/assets/{assetId}"))
            {
                var problem = await byId.ReadProblem(HttpStatusCode.BadRequest, "read.purpose_required");
                Assert.Contains("procurement", problem.Detail, StringComparison.Ordinal);
            }
            using (var search = await mo.GetAsync("/api/v1/assets?type=ev-chargepoint"))
                await search.ReadProblem(HttpStatusCode.BadRequest, "read.purpose_required");
            using (var export = await mo.GetAsync("/api/v1/assets/export?type=ev-chargepoint"))
                await export.ReadProblem(HttpStatusCode.BadRequest, "read.purpose_required");
            using (var unknown = await mo.GetAsync($"/api/v1/assets/{assetId}?purpose=curiosity"))
                Assert.Equal("purpose", Assert.Single((await unknown.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed")).Errors!).Field);
            using (var operatorsOnly = await mo.GetAsync($"/api/v1/assets/{assetId}?purpose=registry-administration"))
                await operatorsOnly.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed");

            // Another FSP: the asset does not exist for it, purpose or not, exactly as a missing one.
            using (var hidden = await other.GetAsync($"/api/v1/assets/{assetId}?purpose=procurement"))
                await hidden.ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
            using (var noPurpose = await other.GetAsync($"/api/v1/assets/{assetId}"))
                await noPurpose.ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
            var theirs = await (await other.GetAsync("/api/v1/assets?type=ev-chargepoint&limit=200")).Read<Page<AssetSummary>>();
            Assert.DoesNotContain(theirs.Items, a => a.AssetId == assetId);

            Assert.Equal(0, await app.LoggedReadsByAsync(moId));
            Assert.Equal(0, await app.LoggedReadsByAsync(otherId));
        }
    }

    [Fact]
    public async Task BUC2_Step6_EveryReadIsAccessLogged_TheFspSeesTheMosReads_FilteredByReaderPeriodAndPurpose()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        var (soId, so) = await app.MarketOperatorAsync("system-operator");
        using (fsp)
        using (mo)
        using (so)
        {
            var request = ReadTestData.FullChargepoint();
            var assetId = await fsp.RegisterAssetAsync(request);
            var start = TimeProvider.System.GetUtcNow().AddSeconds(-1);
            await mo.ReadAssetAsync(assetId);
            await (await mo.GetAsync($"/api/v1/assets?purpose=procurement&postcodeDistrict={request.Address!.Postcode![..^4]}")).Read<Page<AssetSummary>>();
            using (var export = await mo.GetAsync($"/api/v1/assets/export?purpose=qualification&operator={fspId}"))
                await export.ShouldHave(HttpStatusCode.OK);
            await so.ReadAssetAsync(assetId, "network-planning");
            await fsp.ReadAssetAsync(assetId, purpose: null); // its own read: not logged

            var log = await fsp.AccessLogAsync($"/api/v1/assets/{assetId}/access-log");
            Assert.Equal([soId, moId, moId, moId], log.Select(e => e.ReaderId));
            Assert.Equal(["asset.read", "asset.export", "asset.search", "asset.read"], log.Select(e => e.Action));
            Assert.Equal(["network-planning", "qualification", "procurement", "procurement"], log.Select(e => e.Purpose));
            Assert.All(log, e => Assert.StartsWith("client:", e.Reader, StringComparison.Ordinal));
            Assert.All(log, e => Assert.Equal(1, e.RecordsConcerned));
            Assert.Equal(["identity", "technical", "coarse-location"], log[^1].FieldGroups);
            Assert.Equal(["identity", "technical", "coarse-location"], log[2].FieldGroups); // a search hit carries these groups only

            // Filters: reader, purpose, period.
            Assert.Equal(3, (await fsp.AccessLogAsync($"/api/v1/assets/{assetId}/access-log?reader={moId}")).Count);
            Assert.Single(await fsp.AccessLogAsync($"/api/v1/assets/{assetId}/access-log?purpose=network-planning"));
            Assert.Empty(await fsp.AccessLogAsync($"/api/v1/assets/{assetId}/access-log?to={Uri.EscapeDataString(start.ToString("O"))}"));
            Assert.Equal(4, (await fsp.AccessLogAsync($"/api/v1/assets/{assetId}/access-log?from={Uri.EscapeDataString(start.ToString("O"))}")).Count);
            var first = await (await fsp.GetAsync($"/api/v1/assets/{assetId}/access-log?limit=3")).Read<Page<AccessLogEntryResponse>>();
            var rest = await fsp.AccessLogAsync($"/api/v1/assets/{assetId}/access-log?limit=3&cursor={first.NextCursor}");
            Assert.Equal(log.Select(e => e.EntryId), first.Items.Concat(rest).Select(e => e.EntryId));

            // The FSP's own log: every read of its data by others.
            var mine = await fsp.AccessLogAsync($"/api/v1/participants/{fspId}/access-log");
            Assert.Equal(log.Select(e => e.EntryId), mine.Select(e => e.EntryId));
            // The reader cannot read the log of what it read; the operator reads all.
            using (var notTheirs = await mo.GetAsync($"/api/v1/assets/{assetId}/access-log"))
                await notTheirs.ReadProblem(HttpStatusCode.NotFound, "asset.not_found");
            using (var notTheirsEither = await mo.GetAsync($"/api/v1/participants/{fspId}/access-log"))
                await notTheirsEither.ReadProblem(HttpStatusCode.NotFound, "participant.not_found");
            using var op = await app.OperatorAsync();
            Assert.Equal(4, (await op.AccessLogAsync($"/api/v1/assets/{assetId}/access-log")).Count);
            Assert.Equal(3, (await op.AccessLogAsync($"/api/v1/access-log?reader={moId}")).Count);

            // Each entry is in the audit trail with the same digest, and the log verifies.
            var audit = await (await op.GetAsync($"/api/v1/audit?resource={log[0].EntryId}")).Read<Page<AuditRecordResponse>>();
            var record = Assert.Single(audit.Items);
            Assert.Equal("access_log.asset.read", record.Action);
            Assert.Equal(soId, record.ActorParticipantId);
            Assert.Contains("sha256:" + log[0].Sha256, record.Fields);
            Assert.Contains("purpose:network-planning", record.Fields);
            Assert.True((await (await op.PostAsync("/api/v1/access-log/verify", null)).Read<AccessLogVerificationResponse>()).Valid);
        }
    }

    [Fact]
    public async Task BUC2_Step6_ClientsRegisteredDefaultPurpose_IsDeclaredWhenTheRequestNamesNone()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        using (fsp)
        using (mo)
        {
            var assetId = await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint());
            using var created = await mo.PostAsJsonAsync($"/api/v1/participants/{moId}/clients",
                new CreateApiClientRequest { Name = "Procurement system", Permissions = ["assets:read"], DefaultPurpose = "procurement" });
            var client = await created.Read<CreateApiClientResponse>(HttpStatusCode.Created);
            Assert.Equal("procurement", client.DefaultPurpose);
            using var procurement = await app.AuthenticatedAsync(client.ClientId, client.ClientSecret!);

            var asset = await procurement.ReadAssetAsync(assetId, purpose: null);
            Assert.Equal("Myenergi Ltd", asset.Manufacturer);
            var entry = (await fsp.AccessLogAsync($"/api/v1/assets/{assetId}/access-log")).First();
            Assert.Equal("procurement", entry.Purpose);
            Assert.Equal("client:" + client.ClientId, entry.Reader);
            // A purpose named in the request wins over the default.
            await procurement.ReadAssetAsync(assetId, "settlement");
            Assert.Equal("settlement", (await fsp.AccessLogAsync($"/api/v1/assets/{assetId}/access-log")).First().Purpose);

            using var invalid = await mo.PostAsJsonAsync($"/api/v1/participants/{moId}/clients",
                new CreateApiClientRequest { Name = "Bad", Permissions = ["assets:read"], DefaultPurpose = "registry-administration" });
            Assert.Equal("defaultPurpose", Assert.Single((await invalid.ReadProblem(HttpStatusCode.BadRequest, "request.validation_failed")).Errors!).Field);
            _ = fspId;
        }
    }
}

public sealed class AssetReadTests_Sqlite(SqliteApp app) : AssetReadTests(app), IClassFixture<SqliteApp>;

public sealed class AssetReadTests_Postgres(PostgresApp app) : AssetReadTests(app), IClassFixture<PostgresApp>;
