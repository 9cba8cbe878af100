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
