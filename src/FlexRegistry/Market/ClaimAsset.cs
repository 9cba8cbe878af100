using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>Configuration section <c>OperatorClaims</c>.</summary>
public sealed class OperatorClaimOptions
{
    /// <summary>
    /// A switch (a claim that replaces another operator's) must start at least this far ahead, so the old operator and the
    /// owner hear of it in time (Elhub FIS asks 2–4 weeks).
    /// </summary>
    public TimeSpan SwitchNotice { get; set; } = TimeSpan.FromDays(14);

    /// <summary>A contested claim's notice stays this long unless the overlap goes away first.</summary>
    public TimeSpan ContestNotice { get; set; } = TimeSpan.FromDays(30);
}

/// <summary>
/// BUC.2 step 3: an operator (fsp or aggregator: the <c>claims:manage</c> scope) claims the right to operate an asset for
/// a service class over a period, with the owner's consent evidence. Three outcomes:
/// the period is free — the claim is accepted; another operator holds part of it and the new claim starts far enough
/// ahead (<see cref="OperatorClaimOptions.SwitchNotice"/>) after the holder's began — a switch: the held claim is
/// trimmed to end where the new one starts, and the old operator, the new one and the owner are told; otherwise — a
/// competing claim: refused with the held claim's period (409), and both operators get a notice. The database has the
/// last word on exclusivity, so of concurrent claims exactly one wins and the others are answered as competing.
/// </summary>
public sealed class ClaimAsset(RegistryDbContext db, Journal journal, IdempotentCreates idempotency, OperatorClaimOptions options, TimeProvider time)
{
    private const string Operation = "POST /api/v1/operator-claims";

    public async Task<ClaimAcceptedResponse> HandleAsync(OperatorClaimRequest request, string? idempotencyKey, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await idempotency.ReplayAsync<ClaimAcceptedResponse>(caller, idempotencyKey, Operation, request, ct) is { } replay)
            return replay;

        var now = time.GetUtcNow();
        var errors = new FieldErrors();
        AssetId assetId = default;
        if (string.IsNullOrWhiteSpace(request.AssetId))
            errors.Add("assetId", "field.required", "assetId is required.");
        else if (!AssetId.TryParse(request.AssetId, out assetId))
            errors.Add("assetId", AssetErrors.InvalidId.Code, "assetId is FRA-, a type code, -, 12 characters and a check character.");
        if (string.IsNullOrWhiteSpace(request.ServiceClass))
            errors.Add("serviceClass", "field.required", "serviceClass is required.");
        else if (ServiceClass.Find(request.ServiceClass) is null)
            errors.Add("serviceClass", "field.invalid", $"serviceClass is one of {string.Join(", ", ServiceClass.All.Select(c => c.Code))}.");
        Periods.Check(request.From, request.To, requireTo: false, maxYears: 30, errors);
        var consent = ConsentEvidence.Validate(request.Consent, DateOnly.FromDateTime(now.UtcDateTime), errors);
        if (consent is not null && request.From is { } start && start < WindowOverlaps.StartOf(consent.Date))
            errors.Add("from", "operator_claim.before_consent", "A claim cannot start before the owner's consent was given (consent.date).");
        var asset = errors.Any ? null : await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == assetId, ct);
        if (!errors.Any && (asset is null || asset.Status == AssetStatus.Merged))
            errors.Add("assetId", AssetErrors.NotFound.Code, asset is null ? $"No asset {assetId}." : $"{assetId} was merged into {asset.MergedInto}; claim the survivor.");
        else if (asset?.Status == AssetStatus.Decommissioned)
            errors.Add("assetId", AssetErrors.Decommissioned.Code, Decommissioned(assetId));
        else if (asset?.AssetType.IsPortfolio == true)
            errors.Add("assetId", "operator_claim.asset_is_portfolio", "Claims are made on assets; a portfolio is operated through its members.");
        if (errors.Any)
            throw new RequestValidationException(errors.All, MarketErrors.ClaimInvalid);

        var serviceClass = request.ServiceClass!;
        var (from, to) = (request.From!.Value, request.To);
        var held = await db.OperatorClaims
            .Where(c => c.AssetId == assetId && c.ServiceClass == serviceClass && (c.To == null || (c.From < c.To && from < c.To)) && (to == null || c.From < to))
            .ToListAsync(ct);
        if (held.FirstOrDefault(c => c.OperatorId == caller.ParticipantId) is { } own)
            throw new DomainRuleException(MarketErrors.ClaimOverlapsOwn, $"You already hold claim {own.Id} on {assetId} for {serviceClass} from {own.From:O}; end it or claim after it.",
                new Dictionary<string, object?> { ["existingClaimId"] = own.Id.ToString(), ["conflictingFrom"] = own.From, ["conflictingTo"] = own.To });
        var isSwitch = held.Count > 0 && from >= now + options.SwitchNotice && held.All(c => c.From < from);
        if (held.Count > 0 && !isSwitch)
            throw await ContestAsync(asset!, serviceClass, caller, from, to, held[0], now, ct);

        var claim = OperatorClaim.Accept(assetId, serviceClass, caller.ParticipantId, from, to, consent!, asset!.PartyList, now);
        var response = new ClaimAcceptedResponse(claim.ToResponse(now, withConsent: true), [.. held.Select(h => new ReplacedClaim(h.Id.ToString(), from))]);
        var strategy = db.Database.CreateExecutionStrategy();
        try
        {
            await strategy.ExecuteAsync(async () =>
            {
                await using var transaction = await db.Database.BeginTransactionAsync(ct);
                if (isSwitch)
                {
                    // The held claims end first, in their own statement, so that the new claim's period is free when it is inserted.
                    foreach (var h in held)
                        h.TrimForSwitch(from, caller.ParticipantId, asset.PartyList, now);
                    journal.Append([.. held.SelectMany(h => h.TakeEvents())],
                        AuditEntry.By(caller, "operator_claim.switch", "asset", assetId.Value, asset.RegistrantId.Value, "serviceClass", "from"));
                    await db.SaveChangesAsync(ct);
                }
                db.OperatorClaims.Add(claim);
                journal.Append(claim.TakeEvents(), AuditEntry.By(caller, "operator_claim.accept", "operator_claim", claim.Id.ToString(), asset.RegistrantId.Value,
                    "assetId", "serviceClass", "from", "to", "consent"));
                idempotency.Remember(caller, idempotencyKey, Operation, request, claim.Id.ToString(), response);
                await journal.CommitAsync(transaction, ct);
            });
        }
        catch (DbUpdateException e) when (e.IsExclusionViolation(MarketConfiguration.ClaimExclusion) || e is DbUpdateConcurrencyException)
        {
            // Another operator's claim (or a change to the held one) committed first: the database said no.
            db.ChangeTracker.Clear();
            var winner = await db.OperatorClaims.AsNoTracking()
                .Where(c => c.AssetId == assetId && c.ServiceClass == serviceClass && (c.To == null || (c.From < c.To && from < c.To)) && (to == null || c.From < to))
                .OrderBy(c => c.From).FirstOrDefaultAsync(ct);
            if (winner is null)
                throw new DomainRuleException(CommonErrors.ConcurrencyConflict, "The asset's claims changed meanwhile; try again.");
            if (winner.OperatorId == caller.ParticipantId)
                throw new DomainRuleException(MarketErrors.ClaimOverlapsOwn, $"You already hold claim {winner.Id} on {assetId} for {serviceClass}.",
                    new Dictionary<string, object?> { ["existingClaimId"] = winner.Id.ToString(), ["conflictingFrom"] = winner.From, ["conflictingTo"] = winner.To });
            throw await ContestAsync(asset, serviceClass, caller, from, to, winner, now, ct);
        }
        catch (DbUpdateException e) when (e.IsRuleViolation(MarketConfiguration.OperableAsset))
        {
            // The asset was decommissioned meanwhile: the database said no.
            db.ChangeTracker.Clear();
            throw new RequestValidationException([new FieldError("assetId", AssetErrors.Decommissioned.Code, Decommissioned(assetId))], MarketErrors.ClaimInvalid);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation() && idempotencyKey is not null)
        {
            db.ChangeTracker.Clear();
            return await idempotency.ReplayAsync<ClaimAcceptedResponse>(caller, idempotencyKey, Operation, request, ct)
                ?? throw new InvalidOperationException("The idempotency record vanished.", e);
        }
        return response;
    }

    private static string Decommissioned(AssetId asset) => $"{asset} is decommissioned; it takes no new operator claims.";

    /// <summary>Records the contest (both operators and the owner are told) and returns the 409 that refuses the competing claim.</summary>
    private async Task<DomainRuleException> ContestAsync(Asset asset, string serviceClass, Caller caller, DateTimeOffset from, DateTimeOffset? to,
        OperatorClaim held, DateTimeOffset now, CancellationToken ct)
    {
        db.ChangeTracker.Clear();
        var contest = ClaimContest.Raise(asset.Id, serviceClass, caller.ParticipantId, held, from, to, asset.PartyList, now);
        db.ClaimContests.Add(contest);
        journal.Append(contest.TakeEvents(), new AuditEntry(caller.ParticipantId.Value, caller.ClientId, "operator_claim.accept", "asset", asset.Id.Value,
            asset.RegistrantId.Value, ["assetId", "serviceClass", "from", "to"], AuditRecord.Refused));
        await journal.SaveAsync(ct);
        var notice = from >= now + options.SwitchNotice
            ? "The held claim started after your start, so this cannot be a switch."
            : $"To switch operator, claim from at least {options.SwitchNotice.TotalDays:0} days ahead.";
        return new DomainRuleException(MarketErrors.ClaimConflict,
            $"Another operator holds {asset.Id} for {serviceClass} from {held.From:O}{(held.To is { } t ? $" to {t:O}" : "")}. {notice} Both of you have a notice to resolve it.",
            new Dictionary<string, object?>
            {
                ["conflictingClaimId"] = held.Id.ToString(),
                ["conflictingFrom"] = held.From,
                ["conflictingTo"] = held.To,
                ["contestId"] = contest.Id.ToString(),
            });
    }

    /// <summary>The operator ends its own claim at a moment from now on.</summary>
    public async Task<OperatorClaimResponse> EndAsync(OperatorClaimId id, EndClaimRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var claim = await db.OperatorClaims.FirstOrDefaultAsync(c => c.Id == id, ct);
        var asset = claim is null ? null : await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == claim.AssetId, ct);
        if (claim is null || asset is null || !MarketVisibility.CanSeeClaim(claim, asset, caller))
            throw new DomainRuleException(MarketErrors.ClaimNotFound, $"No operator claim {id} is visible to you.");
        if (claim.OperatorId != caller.ParticipantId && !caller.IsRegistryOperator)
            throw new DomainRuleException(MarketErrors.ClaimNotOperator, "Only the claim's operator ends it; an owner withdraws consent in the owner's view.");
        var now = time.GetUtcNow();
        claim.EndByOperator(request.At ?? now, asset.PartyList, now);
        journal.Append(claim.TakeEvents(), AuditEntry.By(caller, "operator_claim.end", "operator_claim", id.ToString(), asset.RegistrantId.Value, "at"));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainRuleException(CommonErrors.ConcurrencyConflict, "The claim changed meanwhile; read it again.");
        }
        return claim.ToResponse(now, MarketVisibility.CanSeeConsent(claim, caller));
    }
}
