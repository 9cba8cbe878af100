using FlexRegistry.Assets;
using FlexRegistry.Assets.Confirmation;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Tests.Infrastructure;

namespace FlexRegistry.Tests.Assets;

/// <summary>
/// The rule every write that queues an asset for confirmation follows (registration, import row, PATCH, move of meter
/// point, upgrade): with no trusted source covering the asset it is settled in that write, otherwise it stays due for
/// the worker. Pure: the sources are stand-ins for the adapters (the OEM cloud adapter itself is tested against a local
/// server in <see cref="AssetConfirmationTests"/>).
/// </summary>
public sealed class TrustedSourcesTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 23, 0, 0, TimeSpan.Zero);

    [Fact]
    public void NoSourceCovers_TheWriteSettlesTheAsset_NothingIsLeftDue()
    {
        var asset = Register();
        Assert.Equal(Now, asset.ConfirmationDueAt);

        Assert.False(new TrustedSources([new StandInSource(applies: false)]).AwaitConfirmation(asset, Now));

        Assert.Null(asset.ConfirmationDueAt);
        Assert.Equal(TrustedSources.NoSourceNote, asset.ConfirmationNote);
        Assert.Equal(DataStatus.Provisional, asset.DataStatus);
    }

    [Fact]
    public void ASourceCovers_TheAssetStaysDueForTheWorker()
    {
        var asset = Register();
        var sources = new TrustedSources([new StandInSource(applies: false), new StandInSource(applies: true)]);

        Assert.True(sources.AwaitConfirmation(asset, Now));

        Assert.Equal(Now, asset.ConfirmationDueAt);
        Assert.Null(asset.ConfirmationNote);
        Assert.Equal("covering", sources.For(asset)!.Source);
    }

    [Fact]
    public void AChangeOfDeclaredData_QueuesTheSettledAssetAgain_AndTheSameRuleSettlesIt()
    {
        var request = TestData.Chargepoint();
        var asset = Register(request);
        var none = new TrustedSources([]);
        none.AwaitConfirmation(asset, Now);
        Assert.False(none.AwaitConfirmation(asset, Now.AddMinutes(1)));

        var later = Now.AddHours(1);
        var changed = AssetValidation.Validate(request with { Model = "zappi v3 7kW" }, new DateOnly(2026, 12, 1)).Data!;
        asset.Update(changed, new AssetActor(asset.RegistrantId, "client:test", ChangeSource.Party, AssetRoles.Registrant), later);
        Assert.Equal(later, asset.ConfirmationDueAt);

        Assert.False(none.AwaitConfirmation(asset, later));
        Assert.Null(asset.ConfirmationDueAt);
    }

    private static Asset Register(RegisterAssetRequest? request = null) =>
        Asset.Register(AssetValidation.Validate(request ?? TestData.Chargepoint(), new DateOnly(2026, 12, 1)).Data!, ParticipantId.New(), Now);

    private sealed class StandInSource(bool applies) : IAssetDataSource
    {
        public string Source => applies ? "covering" : "elsewhere";

        public bool AppliesTo(Asset asset) => applies;

        public Task<AssetSourceResult> LookUpAsync(Asset asset, CancellationToken ct) => Task.FromResult(AssetSourceResult.Confirmed("identity"));
    }
}
