using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Onboarding;

/// <summary>
/// An onboarding is visible to its two sides (the provider and the market's operator) and the registry operator; to
/// anyone else it does not exist (404). "Onboarded to market M" is answered here for any feature that needs it.
/// </summary>
public sealed class OnboardingQueries(RegistryDbContext db)
{
    public static OnboardingId ParseId(string id) =>
        OnboardingId.TryParse(id, out var onboardingId)
            ? onboardingId
            : throw new DomainRuleException(OnboardingErrors.OnboardingNotFound, $"No onboarding {(id.Length > 40 ? id[..40] + "…" : id)}.");

    public static OnboardingRequestId ParseRequestId(string id) =>
        OnboardingRequestId.TryParse(id, out var requestId)
            ? requestId
            : throw new DomainRuleException(OnboardingErrors.RequestNotFound, $"No request {(id.Length > 40 ? id[..40] + "…" : id)}.");

    /// <summary>The onboarding, tracked for a change, when the caller is one of its sides (or the registry operator).</summary>
    public async Task<MarketOnboarding> LoadTrackedAsync(OnboardingId id, Caller caller, CancellationToken ct)
    {
        var onboarding = await db.MarketOnboardings.FirstOrDefaultAsync(o => o.Id == id, ct);
        if (onboarding is null || !(caller.CanAdminister(onboarding.ParticipantId) || caller.CanAdminister(onboarding.OperatorId)))
            throw new DomainRuleException(OnboardingErrors.OnboardingNotFound, $"No onboarding {id} is visible to you.");
        return onboarding;
    }

    public async Task<(OnboardingResponse Response, Guid Version)> GetAsync(OnboardingId id, Caller caller, CancellationToken ct)
    {
        var onboarding = await LoadTrackedAsync(id, caller, ct);
        var requests = await db.OnboardingRequests.AsNoTracking().Where(r => r.OnboardingId == id).ToListAsync(ct);
        return (onboarding.ToResponse(requests), onboarding.Version);
    }

    /// <summary>The caller's onboardings, as provider and as market operator, filtered by market, participant and status; newest application first.</summary>
    public async Task<Page<OnboardingResponse>> ListAsync(string? market, string? participant, string? status, string? cursor, int? limit, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        MarketId marketId = default;
        if (market is not null && !MarketId.TryParse(market, out marketId))
            errors.Add("market", "market.not_found", "market is a market ID.");
        ParticipantId participantId = default;
        if (participant is not null && !ParticipantId.TryParse(participant, out participantId))
            errors.Add("participant", ParticipantErrors.InvalidId.Code, "participant is a participant ID.");
        if (status is not (null or MarketOnboarding.Requested or MarketOnboarding.InProgress or MarketOnboarding.Onboarded or MarketOnboarding.Returned))
            errors.Add("status", "field.invalid", "status is requested, in-progress, onboarded or returned.");
        var size = errors.PageSize(limit, 50, 100);
        OnboardingId before = default;
        if (cursor is not null && !OnboardingId.TryParse(cursor, out before))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();

        var me = caller.ParticipantId;
        var q = db.MarketOnboardings.AsNoTracking();
        if (!caller.IsRegistryOperator)
            q = q.Where(o => o.ParticipantId == me || o.OperatorId == me);
        if (market is not null)
            q = q.Where(o => o.MarketId == marketId);
        if (participant is not null)
            q = q.Where(o => o.ParticipantId == participantId);
        if (status is not null)
            q = q.Where(o => o.Status == status);
        if (cursor is not null)
            q = q.Where(o => o.Id.CompareTo(before) < 0);
        var rows = await q.OrderByDescending(o => o.Id).Take(size + 1).ToListAsync(ct);
        var ids = rows.Take(size).Select(o => o.Id).ToList();
        var requests = (await db.OnboardingRequests.AsNoTracking().Where(r => ids.Contains(r.OnboardingId)).ToListAsync(ct)).ToLookup(r => r.OnboardingId);
        return new Page<OnboardingResponse>([.. rows.Take(size).Select(o => o.ToResponse(requests[o.Id]))], rows.Count > size ? rows[size - 1].Id.ToString() : null);
    }

    /// <summary>Whether the provider is onboarded to the market now (for contracts and products that require it).</summary>
    public Task<bool> IsOnboardedAsync(ParticipantId provider, MarketId market, CancellationToken ct) =>
        db.MarketOnboardings.AnyAsync(o => o.ParticipantId == provider && o.MarketId == market && o.Status == MarketOnboarding.Onboarded, ct);
}
