using FlexRegistry.Events;
using FlexRegistry.Participants;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Onboarding;

/// <summary>The services of published markets and onboarding.</summary>
public static class OnboardingSetup
{
    public static IServiceCollection AddOnboarding(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Onboarding").Get<OnboardingOptions>() ?? new OnboardingOptions());
        services.AddScoped<PublishMarket>();
        services.AddScoped<MarketQueries>();
        services.AddScoped<ManageOnboardings>();
        services.AddScoped<OnboardingQueries>();
        services.AddScoped<OnboardingRequests>();
        services.AddScoped<INoticeSource, OnboardingNotices>();
        services.AddScoped<IRelationshipSource, OnboardingRelationships>();
        services.AddScoped<IMarketRequirements, MarketRequirementsOfMarkets>();
        services.AddScoped<IMarketMembership, MarketMembershipOfMarkets>();
        return services;
    }
}

/// <summary>The commercial-information part of a published market's requirements, for the dry-run check.</summary>
internal sealed class MarketRequirementsOfMarkets(Persistence.RegistryDbContext db) : IMarketRequirements
{
    public async Task<IReadOnlyList<string>> CommercialSectionsAsync(string marketId, CancellationToken ct)
    {
        var id = MarketQueries.ParseId(marketId);
        var market = await db.Markets.AsNoTracking().FirstOrDefaultAsync(m => m.Id == id, ct)
            ?? throw new DomainRuleException(OnboardingErrors.MarketNotFound, $"No market {id}.");
        return market.Requirements.CommercialSections;
    }
}

/// <summary>Market membership for the directory: operators and onboarded providers, read from the markets and onboardings tables.</summary>
internal sealed class MarketMembershipOfMarkets(Persistence.RegistryDbContext db) : IMarketMembership
{
    public bool TryMembers(string marketId, out IQueryable<ParticipantId> members)
    {
        if (!MarketId.TryParse(marketId, out var id))
        {
            members = Enumerable.Empty<ParticipantId>().AsQueryable();
            return false;
        }
        members = db.Markets.Where(m => m.Id == id).Select(m => m.OperatorId)
            .Concat(db.MarketOnboardings.Where(o => o.MarketId == id && o.Status == MarketOnboarding.Onboarded).Select(o => o.ParticipantId));
        return true;
    }

    public IQueryable<ParticipantId> ServingArea(string gspGroup)
    {
        var wrapped = " " + gspGroup + " ";
        var markets = db.Markets.Where(m => m.GspGroups == " " || m.GspGroups.Contains(wrapped));
        return markets.Select(m => m.OperatorId)
            .Concat(db.MarketOnboardings.Where(o => o.Status == MarketOnboarding.Onboarded && markets.Any(m => m.Id == o.MarketId)).Select(o => o.ParticipantId));
    }
}
