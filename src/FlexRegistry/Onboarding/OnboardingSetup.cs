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
        services.AddScoped<IMarketAdmission, MarketAdmissionOfOnboardings>();
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

/// <summary>Admission to contracts: the markets that offer a product, and whether a provider is onboarded to one.</summary>
internal sealed class MarketAdmissionOfOnboardings(Persistence.RegistryDbContext db) : IMarketAdmission
{
    public async Task<IReadOnlyList<string>> MarketsToJoinAsync(string productId, ParticipantId provider, CancellationToken ct)
    {
        // Product IDs are stored as a JSON array of their canonical strings; the markets table is small (one row per market).
        var quoted = "\"" + productId + "\"";
        var offering = await db.Markets.AsNoTracking().Where(m => m.ProductIdsJson.Contains(quoted)).Select(m => new { m.Id, m.Name }).ToListAsync(ct);
        if (offering.Count == 0)
            return [];
        var ids = offering.Select(m => m.Id).ToList();
        var onboarded = await db.MarketOnboardings.AnyAsync(o => ids.Contains(o.MarketId) && o.ParticipantId == provider && o.Status == MarketOnboarding.Onboarded, ct);
        return onboarded ? [] : [.. offering.Select(m => m.Name).Order(StringComparer.Ordinal)];
    }
}
