using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Events;

/// <summary>BUC.2 step 6a hooks: non-party reads are aggregated into one opt-in asset.accessed event per asset, reader and window.</summary>
/// <remarks>Access counting and publishing run on the test's clock (<see cref="IHaveHousekeepingClock"/>): windows close when the test says.</remarks>
public abstract class AssetAccessTests(RegistryApp app)
{
    private const string Accessed = "flexregistry.asset.accessed";

    [Fact]
    public async Task BUC2_Step6a_NonPartyReads_AreOneOptInEventPerWindow_ForTheAssetsPartiesOnly()
    {
        var (_, fsp) = await app.RegisterActiveAsync();
        var (_, other) = await app.RegisterActiveAsync();
        using (fsp)
        using (other)
        {
            var asset = await (await fsp.PostAsJsonAsync("/api/v1/assets", TestData.Chargepoint())).Read<RegisterAssetResponse>(HttpStatusCode.Created);
            using var op = await app.OperatorAsync();
            for (var i = 0; i < 3; i++)
                await (await op.GetAsync($"/api/v1/assets/{asset.AssetId}")).ShouldHave(HttpStatusCode.OK);
            await (await fsp.GetAsync($"/api/v1/assets/{asset.AssetId}")).ShouldHave(HttpStatusCode.OK); // a party: not counted

            var options = app.Services.GetRequiredService<AssetAccessOptions>();
            var housekeeping = ((IHaveHousekeepingClock)app).Housekeeping;
            Assert.Equal(0, await housekeeping.PublishAccessWindowsAsync(CancellationToken.None)); // the window is still open
            ((IHaveHousekeepingClock)app).Clock.Advance(options.Window + options.Grace + TimeSpan.FromSeconds(1));
            Assert.Equal(1, await housekeeping.PublishAccessWindowsAsync(CancellationToken.None)); // one window: asset, reader, hour
            Assert.Equal(0, await housekeeping.PublishAccessWindowsAsync(CancellationToken.None));

            var (events, _) = await fsp.ReadFeedAsync(types: Accessed);
            var total = events.Where(e => e.Subject == asset.AssetId).Sum(e => e.Data.GetProperty("count").GetInt32());
            Assert.Equal(3, total);

            // Opt-in: not in the feed unless asked for; never to unrelated participants.
            Assert.DoesNotContain((await fsp.ReadFeedAsync()).Events, e => e.Type == Accessed);
            Assert.Empty((await other.ReadFeedAsync(types: Accessed)).Events);
        }
    }
}

public sealed class AssetAccessTests_Sqlite(SqliteAppWithHousekeepingClock app) : AssetAccessTests(app), IClassFixture<SqliteAppWithHousekeepingClock>;

public sealed class AssetAccessTests_Postgres(PostgresAppWithHousekeepingClock app) : AssetAccessTests(app), IClassFixture<PostgresAppWithHousekeepingClock>;
