using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// Contracts (portfolio ↔ product ↔ buyer for a period): proposed by one side, accepted (or declined) by the other,
/// terminated early by either. A proposal answers with the conflicts its acceptance would create; acceptance and
/// termination re-check the contract's conflicts and answer with them, each shown as the caller may see it.
/// </summary>
public sealed class ManageContracts(RegistryDbContext db, Journal journal, IdempotentCreates idempotency, ConflictDetection detection, ConflictChecks checks,
    PortfolioQueries portfolios, IMarketAdmission admission, TimeProvider time)
{
    private const string Operation = "POST /api/v1/contracts";

    /// <summary>A contract's answer lists at most this many of its conflicts; <c>GET /api/v1/conflicts?portfolio=</c> pages through all.</summary>
    public const int MaxConflictsShown = 500;

    public static ContractId ParseId(string id) =>
        ContractId.TryParse(id, out var contractId) ? contractId : throw new DomainRuleException(MarketErrors.ContractNotFound, "No such contract.");

    public async Task<ContractWithConflictsResponse> ProposeAsync(ProposeContractRequest request, string? idempotencyKey, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await idempotency.ReplayAsync<ContractWithConflictsResponse>(caller, idempotencyKey, Operation, request, ct) is { } replay)
            return replay;
        var terms = ContractTerms.Validate(request);
        var product = await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == terms.ProductId, ct);
        var portfolio = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == terms.PortfolioId && a.Type == AssetType.Portfolio, ct);
        var me = caller.ParticipantId;
        var isBuyer = product is not null && product.OwnerId == me;
        var isSeller = portfolio is not null && portfolio.RegistrantId == me;
        if (!isBuyer && !isSeller)
            throw product is null
                ? new RequestValidationException([new FieldError("productId", MarketErrors.ProductNotFound.Code, $"No product {terms.ProductId}.")], MarketErrors.ContractInvalid)
                : new DomainRuleException(MarketErrors.ContractNotAParty,
                    "A contract is proposed by the portfolio's owner (the seller) or the product's owner (the buyer); you are neither.");
        var errors = new FieldErrors();
        if (product is null)
            errors.Add("productId", MarketErrors.ProductNotFound.Code, $"No product {terms.ProductId}.");
        if (portfolio is null || portfolio.Status == AssetStatus.Merged)
            errors.Add("portfolioId", MarketErrors.PortfolioNotFound.Code, $"No portfolio {terms.PortfolioId}.");
        else if (portfolio.Status == AssetStatus.Decommissioned)
            errors.Add("portfolioId", AssetErrors.Decommissioned.Code, $"Portfolio {terms.PortfolioId} is decommissioned; it takes no new contracts.");
        else if (product is not null && portfolio.RegistrantId == product.OwnerId)
            errors.Add("portfolioId", "contract.same_party", "The portfolio's owner and the product's buyer are the same participant.");
        // "Onboarded to market M" (BUC.4 step 7): a product offered in published markets is sold only by their members.
        if (product is not null && portfolio is not null && await admission.MarketsToJoinAsync(product.Id.ToString(), portfolio.RegistrantId, ct) is { Count: > 0 } markets)
            errors.Add("productId", MarketErrors.ContractSellerNotOnboarded.Code,
                $"Product {terms.ProductId} is offered in {string.Join(", ", markets.Select(m => $"'{m}'"))}; the portfolio's owner must be onboarded to one of them first.");
        var layers = terms.Layers.Select(l => ParticipantId.Parse(l.ParticipantId!)).Distinct().ToList();
        var known = await db.Participants.AsNoTracking().Where(p => layers.Contains(p.Id)).Select(p => p.Id).ToListAsync(ct);
        for (var i = 0; i < terms.Layers.Count; i++)
        {
            if (!known.Contains(ParticipantId.Parse(terms.Layers[i].ParticipantId!)))
                errors.Add($"layers[{i}].participantId", ParticipantErrors.NotFound.Code, $"No participant {terms.Layers[i].ParticipantId}.");
        }
        if (errors.Any)
            throw new RequestValidationException(errors.All, MarketErrors.ContractInvalid);

        var contract = Contract.Propose(terms, portfolio!.RegistrantId, product!.OwnerId, me, time.GetUtcNow());
        var aggregate = await portfolios.SummaryAsync(portfolio, ct);
        IReadOnlyList<string> warnings = (decimal)terms.ContractedCapacityKw > aggregate.AggregateCapacityKw
            ? [$"The contracted {terms.ContractedCapacityKw} kW is more than the portfolio's current aggregate capacity of {aggregate.AggregateCapacityKw} kW."]
            : [];
        var potential = await detection.PreviewAsync(contract, product, ct);
        var response = new ContractWithConflictsResponse(contract.ToResponse(warnings), await PreviewResponsesAsync(potential, caller, ct));
        db.Contracts.Add(contract);
        journal.Append(contract.TakeEvents(), AuditEntry.By(caller, "contract.propose", "contract", contract.Id.ToString(), me.Value,
            "portfolioId", "productId", "from", "to", "contractedCapacityKw", "reference", "layers"));
        idempotency.Remember(caller, idempotencyKey, Operation, request, contract.Id.ToString(), response);
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsRuleViolation(MarketConfiguration.OperableAsset))
        {
            // The portfolio was decommissioned meanwhile: the database said no.
            db.ChangeTracker.Clear();
            throw new RequestValidationException([new FieldError("portfolioId", AssetErrors.Decommissioned.Code,
                $"Portfolio {terms.PortfolioId} is decommissioned; it takes no new contracts.")], MarketErrors.ContractInvalid);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation() && idempotencyKey is not null)
        {
            db.ChangeTracker.Clear();
            return await idempotency.ReplayAsync<ContractWithConflictsResponse>(caller, idempotencyKey, Operation, request, ct)
                ?? throw new InvalidOperationException("The idempotency record vanished.", e);
        }
        return response;
    }

    public Task<ContractWithConflictsResponse> AcceptAsync(ContractId id, Caller caller, CancellationToken ct) =>
        ChangeAsync(id, caller, "contract.accept", (c, now) => c.Accept(caller.ParticipantId, now), check: true, ct);

    public Task<ContractWithConflictsResponse> DeclineAsync(ContractId id, Caller caller, CancellationToken ct) =>
        ChangeAsync(id, caller, "contract.decline", (c, now) => c.Decline(caller.ParticipantId, now), check: false, ct);

    public Task<ContractWithConflictsResponse> TerminateAsync(ContractId id, TerminateContractRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ChangeAsync(id, caller, "contract.terminate", (c, now) => c.Terminate(caller.ParticipantId, request.At ?? now, now), check: true, ct);
    }

    private async Task<ContractWithConflictsResponse> ChangeAsync(ContractId id, Caller caller, string action, Action<Contract, DateTimeOffset> change, bool check,
        CancellationToken ct)
    {
        var contract = await db.Contracts.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (contract is null || !MarketVisibility.CanSeeContract(contract, caller))
            throw new DomainRuleException(MarketErrors.ContractNotFound, $"No contract {id} is visible to you.");
        change(contract, time.GetUtcNow());
        journal.Append(contract.TakeEvents(), AuditEntry.By(caller, action, "contract", id.ToString(), contract.SellerId.Value, "status"));
        var queued = check ? checks.Queue(ConflictScope.Of(id)) : null;
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainRuleException(CommonErrors.ConcurrencyConflict, "The contract changed meanwhile; read it again.");
        }
        var outcome = queued is null ? null : await checks.RunAsync(queued, ct);
        var conflicts = outcome?.Conflicts.Where(c => c.Status == ConflictStatus.Open).Take(MaxConflictsShown).ToList() ?? [];
        return new ContractWithConflictsResponse(contract.ToResponse(),
            await ConflictView.ToResponsesAsync(db, conflicts, caller.ParticipantId, caller.IsRegistryOperator, ct));
    }

    public async Task<ContractWithConflictsResponse> GetAsync(ContractId id, Caller caller, CancellationToken ct)
    {
        var contract = await db.Contracts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == id, ct);
        if (contract is null || !MarketVisibility.CanSeeContract(contract, caller))
            throw new DomainRuleException(MarketErrors.ContractNotFound, $"No contract {id} is visible to you.");
        var conflicts = await db.Conflicts.AsNoTracking().Where(c => (c.ContractA == id || c.ContractB == id) && c.Status == ConflictStatus.Open)
            .OrderBy(c => c.Id).Take(MaxConflictsShown).ToListAsync(ct);
        return new ContractWithConflictsResponse(contract.ToResponse(),
            await ConflictView.ToResponsesAsync(db, conflicts, caller.ParticipantId, caller.IsRegistryOperator, ct));
    }

    /// <summary>The caller's contracts as seller or buyer (the registry operator: all), newest first by ID order.</summary>
    public async Task<Page<ContractResponse>> ListAsync(string? status, string? portfolio, string? product, string? cursor, int? limit, Caller caller,
        CancellationToken ct)
    {
        var errors = new FieldErrors();
        ContractStatus? wanted = null;
        if (status is not null)
        {
            if (Enum.TryParse<ContractStatus>(status, ignoreCase: true, out var s) && s.ToWire() == status)
                wanted = s;
            else
                errors.Add("status", "field.invalid", "status is proposed, active, declined or terminated.");
        }
        AssetId portfolioId = default;
        if (portfolio is not null && !AssetId.TryParse(portfolio, out portfolioId))
            errors.Add("portfolio", AssetErrors.InvalidId.Code, "portfolio is a portfolio ID.");
        ProductId productId = default;
        if (product is not null && !ProductId.TryParse(product, out productId))
            errors.Add("product", "field.invalid", "product is a product ID.");
        var size = errors.PageSize(limit, 50, 100);
        ContractId after = default;
        if (cursor is not null && !ContractId.TryParse(cursor, out after))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();
        var q = db.Contracts.AsNoTracking();
        if (!caller.IsRegistryOperator)
        {
            var me = caller.ParticipantId;
            q = q.Where(c => c.SellerId == me || c.BuyerId == me);
        }
        if (wanted is { } w)
            q = q.Where(c => c.Status == w);
        if (portfolio is not null)
            q = q.Where(c => c.PortfolioId == portfolioId);
        if (product is not null)
            q = q.Where(c => c.ProductId == productId);
        if (cursor is not null)
            q = q.Where(c => c.Id.CompareTo(after) > 0);
        var rows = await q.OrderBy(c => c.Id).Take(size + 1).ToListAsync(ct);
        return new Page<ContractResponse>([.. rows.Take(size).Select(c => c.ToResponse())], rows.Count > size ? rows[size - 1].Id.ToString() : null);
    }

    /// <summary>A proposal's potential conflicts, as the caller may see them; they are not in the register (their ID says <c>preview</c>).</summary>
    private async Task<IReadOnlyList<ConflictResponse>> PreviewResponsesAsync(IReadOnlyList<FoundConflict> found, Caller caller, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var transient = found.Take(MaxConflictsShown).Select(f => Conflict.Detect(f, now)).ToList();
        var views = await ConflictView.ToResponsesAsync(db, transient, caller.ParticipantId, caller.IsRegistryOperator, ct);
        return [.. views.Select(v => v with { ConflictId = "preview", Status = "potential" })];
    }
}
