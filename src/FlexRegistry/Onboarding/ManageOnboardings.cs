using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Onboarding;

/// <summary>
/// BUC.4 steps 5–7 between a provider and a market operator: the provider applies to a market (which expresses its
/// interest in the operator's markets when it has not yet), grants the operator in one action what the market's
/// requirements name, and the operator onboards it or returns the application with a reason.
/// </summary>
public sealed class ManageOnboardings(RegistryDbContext db, Journal journal, OnboardingQueries queries, TimeProvider time)
{
    /// <summary>The one-action grant lasts this long; the provider revokes it like any other grant.</summary>
    public static readonly TimeSpan GrantDuration = TimeSpan.FromDays(365);

    public async Task<OnboardingResponse> ApplyAsync(MarketId marketId, ApplyToMarketRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.MaxLength("note", request.Note, 500);
        var providerId = caller.ParticipantId;
        if (request.ParticipantId is not null && !ParticipantId.TryParse(request.ParticipantId, out providerId))
            errors.Add("participantId", ParticipantErrors.InvalidId.Code, $"{request.ParticipantId} is not a participant ID.");
        errors.ThrowIfAny();
        if (!caller.CanAdminister(providerId))
            throw ParticipantQueries.NotFound(providerId);

        var market = await db.Markets.AsNoTracking().FirstOrDefaultAsync(m => m.Id == marketId, ct)
            ?? throw new DomainRuleException(OnboardingErrors.MarketNotFound, $"No market {marketId}.");
        var provider = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == providerId, ct) ?? throw ParticipantQueries.NotFound(providerId);
        if (provider.Status != ParticipantStatus.Active || !provider.Roles.Any(MarketInterests.ProviderRoles.Contains) || provider.Id == market.OperatorId)
            throw new DomainRuleException(OnboardingErrors.NotAProvider, $"{providerId} is not an active fsp or aggregator other than the market's operator.");
        if (!market.IsOpen)
            throw new DomainRuleException(OnboardingErrors.MarketClosed, $"Market {marketId} is closed to applications.");

        var now = time.GetUtcNow();
        var note = string.IsNullOrWhiteSpace(request.Note) ? null : request.Note.Trim();
        var onboarding = await db.MarketOnboardings.FirstOrDefaultAsync(o => o.MarketId == marketId && o.ParticipantId == providerId, ct);
        if (onboarding is null)
        {
            onboarding = MarketOnboarding.Apply(marketId, providerId, market.OperatorId, note, now);
            db.MarketOnboardings.Add(onboarding);
        }
        else
        {
            onboarding.ApplyAgain(note, now);
        }
        // Applying to a market is interest in its operator's markets (BUC.4 step 5): the operator hears of the provider's changes.
        var interested = await db.MarketInterests.AnyAsync(i => i.ParticipantId == providerId && i.MarketOperatorId == market.OperatorId && i.WithdrawnAt == null, ct);
        if (!interested)
        {
            var interest = MarketInterest.Express(providerId, market.OperatorId, $"Applied to market {market.Name}.", caller.Actor, now);
            db.MarketInterests.Add(interest);
            journal.Append(interest.TakeEvents(), AuditEntry.By(caller, "market_interest.express", "market_interest", interest.Id.ToString(), providerId.Value, "marketOperatorId"));
        }
        journal.Append(onboarding.TakeEvents(), AuditEntry.By(caller, "onboarding.apply", "onboarding", onboarding.Id.ToString(), providerId.Value, "marketId", "note"));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation() || e is DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            var existing = await db.MarketOnboardings.AsNoTracking().Where(o => o.MarketId == marketId && o.ParticipantId == providerId).Select(o => o.Id).FirstOrDefaultAsync(ct);
            throw new DomainRuleException(OnboardingErrors.AlreadyApplied, $"{providerId} has already applied to market {marketId}.",
                new Dictionary<string, object?> { ["existingOnboardingId"] = existing.ToString() });
        }
        return onboarding.ToResponse([]);
    }

    /// <summary>
    /// BUC.4 step 6 in one action: the provider grants the market's operator each commercial-information section the
    /// market requires, for the purpose <c>onboarding</c>. Sections already granted so are left as they are.
    /// </summary>
    public async Task<OnboardingGrantResponse> GrantAsync(OnboardingId id, Caller caller, CancellationToken ct)
    {
        var onboarding = await queries.LoadTrackedAsync(id, caller, ct);
        if (!caller.CanAdminister(onboarding.ParticipantId))
            throw new DomainRuleException(OnboardingErrors.WrongSide, "Only the provider grants its data to the market operator.");
        if (onboarding.Status == MarketOnboarding.Returned)
            throw new DomainRuleException(OnboardingErrors.Transition, $"Onboarding {id} was returned; apply again first.");
        var market = await db.Markets.AsNoTracking().FirstAsync(m => m.Id == onboarding.MarketId, ct);
        var now = time.GetUtcNow();
        var grantee = onboarding.OperatorId;
        var key = grantee.Value;
        var open = await db.DataSharingGrants
            .Where(g => g.GrantorId == onboarding.ParticipantId && g.Grantee == key && g.Purpose == "onboarding" && g.Scope == DataSharingGrant.AllAssets && g.EndedAt == null)
            .ToListAsync(ct);
        var grants = new List<DataSharingGrant>();
        foreach (var part in market.Requirements.CommercialSections)
        {
            if (open.FirstOrDefault(g => g.Part == part && g.ExpiresAt > now) is { } current)
            {
                grants.Add(current);
                continue;
            }
            // An expired grant still holds the open slot until it is given again: close it in the same transaction.
            foreach (var expired in open.Where(g => g.Part == part))
                expired.CloseExpired(caller.Actor, now);
            var grant = DataSharingGrant.Give(onboarding.ParticipantId, grantee, null, part, "onboarding", null, now + GrantDuration, caller.Actor, now);
            db.DataSharingGrants.Add(grant);
            journal.Append(grant.TakeEvents(), AuditEntry.By(caller, "data_sharing_grant.give", "data_sharing_grant", grant.Id.ToString(), onboarding.ParticipantId.Value,
                "grantee", "part", "purpose", "expiresAt"));
            grants.Add(grant);
        }
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            throw new DomainRuleException(CommonErrors.ConcurrencyConflict, "The same grant was given at the same time; list your grants and retry.");
        }
        return new OnboardingGrantResponse(id.ToString(), grantee.Value,
            [.. grants.Select(g => new GrantResponse(g.Id.ToString(), g.GrantorId.Value, g.GranteeId?.Value, g.GranteeRole, g.Part, g.Purpose, g.ExpiresAt,
                g.StatusAt(now), g.GrantedAt, g.EndedAt, g.EndReason))]);
    }

    /// <summary>The market operator records that the provider is onboarded: every request accepted, the provider active.</summary>
    public async Task<OnboardingResponse> OnboardAsync(OnboardingId id, Caller caller, CancellationToken ct)
    {
        var onboarding = await LoadAsOperatorAsync(id, caller, ct);
        var requests = await db.OnboardingRequests.AsNoTracking().Where(r => r.OnboardingId == id).ToListAsync(ct);
        if (!await db.Participants.AnyAsync(p => p.Id == onboarding.ParticipantId && p.Status == ParticipantStatus.Active, ct))
            throw new DomainRuleException(OnboardingErrors.Transition, $"{onboarding.ParticipantId} is not active (suspended or deregistered) and cannot be onboarded.");
        onboarding.Complete(requests.All(r => r.Status == OnboardingRequest.Accepted), time.GetUtcNow());
        journal.Append(onboarding.TakeEvents(), AuditEntry.By(caller, "onboarding.complete", "onboarding", id.ToString(), onboarding.ParticipantId.Value, "status"));
        await SaveAsync(ct);
        return onboarding.ToResponse(requests);
    }

    /// <summary>The market operator returns the application with a reason the provider sees.</summary>
    public async Task<OnboardingResponse> ReturnAsync(OnboardingId id, ReasonRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("reason", request.Reason, 1000);
        errors.ThrowIfAny();
        var onboarding = await LoadAsOperatorAsync(id, caller, ct);
        onboarding.Return(request.Reason!.Trim(), time.GetUtcNow());
        journal.Append(onboarding.TakeEvents(), AuditEntry.By(caller, "onboarding.return", "onboarding", id.ToString(), onboarding.ParticipantId.Value, "status", "reason"));
        await SaveAsync(ct);
        return onboarding.ToResponse(await db.OnboardingRequests.AsNoTracking().Where(r => r.OnboardingId == id).ToListAsync(ct));
    }

    private async Task<MarketOnboarding> LoadAsOperatorAsync(OnboardingId id, Caller caller, CancellationToken ct)
    {
        var onboarding = await queries.LoadTrackedAsync(id, caller, ct);
        if (onboarding.OperatorId != caller.ParticipantId)
            throw new DomainRuleException(OnboardingErrors.WrongSide, "Only the market's operator onboards or returns an application.");
        return onboarding;
    }

    private async Task SaveAsync(CancellationToken ct)
    {
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainRuleException(CommonErrors.ConcurrencyConflict, "The onboarding was changed at the same time; reload and retry.");
        }
    }
}
