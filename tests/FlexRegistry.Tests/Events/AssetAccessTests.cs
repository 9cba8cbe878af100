using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Events;

/// <summary>BUC.2 step 6a hooks: non-party reads are aggregated into one opt-in asset.accessed event per asset, reader and window.</summary>
public sealed class AssetAccessTests(AssetAccessTests.App app) : IClassFixture<AssetAccessTests.App>
{
    public sealed class App : SqliteApp
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings =>
        [
            new("AssetAccess:Window", "00:00:01"),
            new("AssetAccess:Grace", "00:00:00"),
            new("Webhooks:HousekeepingEnabled", "false"),
        ];
    }

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

            await Task.Delay(TimeSpan.FromSeconds(1.5));
            var housekeeping = app.Services.GetRequiredService<EventHousekeeping>();
            Assert.True(await housekeeping.PublishAccessWindowsAsync(CancellationToken.None) >= 1);
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
