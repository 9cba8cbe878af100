using System.Net;
using System.Net.Http.Json;
using FlexRegistry.AccessLog;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Events;

/// <summary>
/// BUC.2 step 6a: a participant that opted in hears of reads of its assets by others — by ID, in searches and in
/// exports — as one opt-in asset.accessed event per reader and window; nobody else does, and parties' own reads never count.
/// </summary>
/// <remarks>Logging, counting and publishing run on the test's clock (<see cref="IHaveHousekeepingClock"/>): windows close when the test says.</remarks>
public abstract class AssetAccessTests(RegistryApp app)
{
    private const string Accessed = "flexregistry.asset.accessed";

    [Fact]
    public async Task BUC2_Step6a_ReadsByIdSearchAndExport_AreOneOptInEventPerReaderAndWindow_ForTheOptedInPartyOnly()
    {
        var (fspRegistration, fsp) = await app.RegisterActiveAsync();
        var (_, other) = await app.RegisterActiveAsync();
        var (moRegistration, mo) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        using (fsp)
        using (other)
        using (mo)
        {
            var fspId = fspRegistration.ParticipantId;
            var request = TestData.Chargepoint();
            var watched = await (await fsp.PostAsJsonAsync("/api/v1/assets", request)).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            var unwatched = await (await fsp.PostAsJsonAsync("/api/v1/assets", TestData.Chargepoint())).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            var settings = await (await fsp.PutAsJsonAsync($"/api/v1/participants/{fspId}/access-notifications",
                new AccessNotificationsRequest { AssetIds = [watched.AssetId] })).Read<AccessNotificationsResponse>();
            Assert.Equal([watched.AssetId], settings.AssetIds);
            Assert.False(settings.AllAssets);

            // The market operator reads the watched asset twice by ID, once in a search and once in an export; the
            // unwatched one too. The FSP reads its own: never counted.
            for (var i = 0; i < 2; i++)
                await (await mo.GetAsync($"/api/v1/assets/{watched.AssetId}?purpose=procurement")).ShouldHave(HttpStatusCode.OK);
            await (await mo.GetAsync($"/api/v1/assets/{unwatched.AssetId}?purpose=procurement")).ShouldHave(HttpStatusCode.OK);
            var district = request.Address!.Postcode![..^4];
            var search = await (await mo.GetAsync($"/api/v1/assets?purpose=procurement&postcodeDistrict={district}&type=ev-chargepoint&limit=200"))
                .Read<Page<AssetSummary>>();
            Assert.Contains(search.Items, a => a.AssetId == watched.AssetId);
            using (var export = await mo.GetAsync($"/api/v1/assets/export?purpose=procurement&operator={fspId}"))
                Assert.Contains(watched.AssetId, await export.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            await (await fsp.GetAsync($"/api/v1/assets/{watched.AssetId}")).ShouldHave(HttpStatusCode.OK);

            var options = app.Services.GetRequiredService<AssetAccessOptions>();
            var hooks = (IHaveHousekeepingClock)app;
            Assert.Equal(0, await hooks.Housekeeping.PublishAccessWindowsAsync(CancellationToken.None)); // the window is still open
            hooks.Clock.Advance(options.Window + options.Grace + TimeSpan.FromSeconds(1));
            Assert.Equal(1, await hooks.Housekeeping.PublishAccessWindowsAsync(CancellationToken.None)); // one window: FSP, reader, hour
            Assert.Equal(0, await hooks.Housekeeping.PublishAccessWindowsAsync(CancellationToken.None));

            var events = (await fsp.ReadFeedAsync(types: Accessed)).Events;
            var notice = Assert.Single(events);
            Assert.Equal(fspId, notice.Subject);
            Assert.Equal(moRegistration.ParticipantId, notice.Data.GetProperty("readerId").GetString());
            Assert.Equal(4, notice.Data.GetProperty("reads").GetInt32()); // two by ID, one search, one export
            Assert.Equal(4, notice.Data.GetProperty("records").GetInt32());
            Assert.Equal(1, notice.Data.GetProperty("assets").GetInt32());
            Assert.Equal([watched.AssetId], notice.Data.GetProperty("assetIds").EnumerateArray().Select(e => e.GetString()));
            var log = await (await fsp.GetAsync(notice.Data.GetProperty("accessLog").GetString())).Read<Page<AccessLogEntryResponse>>();
            Assert.Equal(5, log.Items.Count(e => e.ReaderId == moRegistration.ParticipantId)); // the unwatched asset's read is logged, not notified

            // Opt-in: not in the feed unless asked for; never to unrelated participants or to the reader.
            Assert.DoesNotContain((await fsp.ReadFeedAsync()).Events, e => e.Type == Accessed);
            Assert.Empty((await other.ReadFeedAsync(types: Accessed)).Events);
            Assert.Empty((await mo.ReadFeedAsync(types: Accessed)).Events);
        }
    }
}

public sealed class AssetAccessTests_Sqlite(SqliteAppWithHousekeepingClock app) : AssetAccessTests(app), IClassFixture<SqliteAppWithHousekeepingClock>;

public sealed class AssetAccessTests_Postgres(PostgresAppWithHousekeepingClock app) : AssetAccessTests(app), IClassFixture<PostgresAppWithHousekeepingClock>;
