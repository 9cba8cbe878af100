using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Participants;

/// <summary>
/// Who has a relationship with a participant, and so a legitimate interest in its changes (BUC.4 step 9). Event
/// interest is computed through this one question when the event is recorded, so a relationship that ends stops
/// further notifications and one that starts receives the next change.
/// </summary>
public interface IParticipantRelationships
{
    /// <summary>The participants (other than <paramref name="participant"/>) related to it at <paramref name="at"/>, in ID order.</summary>
    Task<IReadOnlyList<ParticipantId>> RelatedToAsync(ParticipantId participant, DateTimeOffset at, CancellationToken ct);
}

/// <summary>
/// One kind of relationship. Each feature that creates relationships (expressed interest, data-sharing grants, and
/// later contracts) registers one source; <see cref="ParticipantRelationships"/> takes the union.
/// </summary>
public interface IRelationshipSource
{
    Task<IReadOnlyList<ParticipantId>> RelatedToAsync(ParticipantId participant, DateTimeOffset at, CancellationToken ct);
}

public sealed class ParticipantRelationships(IEnumerable<IRelationshipSource> sources) : IParticipantRelationships
{
    public async Task<IReadOnlyList<ParticipantId>> RelatedToAsync(ParticipantId participant, DateTimeOffset at, CancellationToken ct)
    {
        var related = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var source in sources)
        {
            foreach (var id in await source.RelatedToAsync(participant, at, ct))
                related.Add(id.Value);
        }
        related.Remove(participant.Value);
        return [.. related.Select(ParticipantId.Parse)];
    }
}

/// <summary>Expressed interest: the market operators a provider is interested in, and the providers interested in a market operator.</summary>
public sealed class InterestRelationships(RegistryDbContext db) : IRelationshipSource
{
    public async Task<IReadOnlyList<ParticipantId>> RelatedToAsync(ParticipantId participant, DateTimeOffset at, CancellationToken ct)
    {
        var operators = await db.MarketInterests.AsNoTracking()
            .Where(i => i.ParticipantId == participant && i.WithdrawnAt == null).Select(i => i.MarketOperatorId).ToListAsync(ct);
        var providers = await db.MarketInterests.AsNoTracking()
            .Where(i => i.MarketOperatorId == participant && i.WithdrawnAt == null).Select(i => i.ParticipantId).ToListAsync(ct);
        return [.. operators, .. providers];
    }
}

/// <summary>
/// Data-sharing grants the participant has given and that are active: the named grantees, and every active holder of
/// a granted role.
/// </summary>
public sealed class GrantRelationships(RegistryDbContext db) : IRelationshipSource
{
    public async Task<IReadOnlyList<ParticipantId>> RelatedToAsync(ParticipantId participant, DateTimeOffset at, CancellationToken ct)
    {
        var grants = await db.DataSharingGrants.AsNoTracking()
            .Where(g => g.GrantorId == participant && g.EndedAt == null && g.ExpiresAt > at)
            .Select(g => new { g.GranteeId, g.GranteeRole }).ToListAsync(ct);
        var related = grants.Where(g => g.GranteeId is not null).Select(g => g.GranteeId!.Value).ToList();
        var roles = grants.Where(g => g.GranteeRole is not null).Select(g => g.GranteeRole!).Distinct(StringComparer.Ordinal).ToList();
        if (roles.Count > 0)
        {
            related.AddRange(await db.Participants.AsNoTracking()
                .Where(p => p.Status == ParticipantStatus.Active && p.Roles.Any(r => roles.Contains(r)))
                .Select(p => p.Id).ToListAsync(ct));
        }
        return related;
    }
}

/// <summary>
/// A market's onboarding requirements, as far as commercial information is concerned (BUC.4 step 3: the dry-run check
/// takes a market). Implemented by the feature that publishes markets, so this feature does not depend on it.
/// </summary>
public interface IMarketRequirements
{
    /// <summary>The commercial-information sections the market requires; throws a not-found problem for an unknown market.</summary>
    Task<IReadOnlyList<string>> CommercialSectionsAsync(string marketId, CancellationToken ct);
}

/// <summary>
/// Who is in which market, for the directory's filters (BUC.4 step 5: "market joined or operated", "area served").
/// Implemented by the feature that publishes markets, so this feature does not depend on it. The queries are composed
/// into the directory's own query (one round trip).
/// </summary>
public interface IMarketMembership
{
    /// <summary>The market's operator and the providers onboarded to it; false when <paramref name="marketId"/> is not a market ID.</summary>
    bool TryMembers(string marketId, out IQueryable<ParticipantId> members);

    /// <summary>Participants operating, or onboarded to, a market serving the GSP group (a market naming no area serves all of GB).</summary>
    IQueryable<ParticipantId> ServingArea(string gspGroup);
}
