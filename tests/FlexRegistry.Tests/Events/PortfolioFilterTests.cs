using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;

namespace FlexRegistry.Tests.Events;

/// <summary>The portfolio filter matches events whose subject, assetId or portfolioId names the portfolio asset.</summary>
public sealed class PortfolioFilterTests
{
    private const string Portfolio = "FRA-PF-000000000001X";

    private static EventRecord Event(string subject, string dataJson) =>
        EventRecord.From(new DomainEvent("asset.updated", subject, new Dictionary<string, object?>(), ["FRP-X"]), TimeProvider.System.GetUtcNow(), dataJson);

    [Fact]
    public void PortfolioFilter_MatchesSubjectAssetIdOrPortfolioId_AndNothingElse()
    {
        var filter = new SubscriptionFilter(new SubscriptionFiltersDto { PortfolioIds = [Portfolio] });
        Assert.True(filter.Matches(Event(Portfolio, "{}")));
        Assert.True(filter.Matches(Event("FRP-A", $"{{\"assetId\":\"{Portfolio}\"}}")));
        Assert.True(filter.Matches(Event("FRA-EV-1", $"{{\"portfolioId\":\"{Portfolio}\"}}")));
        Assert.False(filter.Matches(Event("FRA-EV-1", "{\"assetId\":\"FRA-EV-1\"}")));
        Assert.False(filter.Matches(Event("FRA-PF-OTHER", "{}")));
    }
}
