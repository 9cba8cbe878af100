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
/// The conflict register: list (by asset, portfolio, product or participant), read, acknowledge, resolve, and detect on
/// demand. A participant sees the conflicts it is a party to, each with only its own side's commercial terms; the
/// registry operator sees all. Filters never reveal more than the entries show: a non-operator filters by its own ID
/// only, and by a portfolio only on the sides it is a party to.
/// </summary>
public sealed class ConflictRegister(RegistryDbContext db, Journal journal, ConflictDetection detection, PortfolioQueries portfolios, AssetRelations relations, TimeProvider time)
{
    public static ConflictId ParseId(string id) =>
        ConflictId.TryParse(id, out var conflictId) ? conflictId : throw new DomainRuleException(MarketErrors.ConflictNotFound, "No such conflict.");

    public sealed record Filters(string? Asset, string? Portfolio, string? Product, string? Participant, string? Status, string? Cursor, int? Limit);

    public async Task<Page<ConflictResponse>> ListAsync(Filters filters, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(filters);
        ArgumentNullException.ThrowIfNull(caller);
        var errors = new FieldErrors();
        AssetId asset = default, portfolio = default;
        ProductId product = default;
        ParticipantId participant = default;
        if (filters.Asset is not null && !AssetId.TryParse(filters.Asset, out asset))
            errors.Add("asset", AssetErrors.InvalidId.Code, "asset is an asset ID.");
        if (filters.Portfolio is not null && !AssetId.TryParse(filters.Portfolio, out portfolio))
            errors.Add("portfolio", AssetErrors.InvalidId.Code, "portfolio is a portfolio ID.");
        if (filters.Product is not null && !ProductId.TryParse(filters.Product, out product))
            errors.Add("product", "field.invalid", "product is a product ID.");
        if (filters.Participant is not null)
        {
            if (!ParticipantId.TryParse(filters.Participant, out participant))
                errors.Add("participant", ParticipantErrors.InvalidId.Code, "participant is a participant ID.");
            else if (!caller.IsRegistryOperator && participant != caller.ParticipantId)
                errors.Add("participant", "conflict.filter_not_allowed", "participant may name only your own ID (the registry operator may name anyone).");
        }
        var status = filters.Status ?? "open";
        if (status is not ("open" or "resolved" or "cleared" or "all"))
            errors.Add("status", "field.invalid", "status is open, resolved, cleared or all.");
        var size = errors.PageSize(filters.Limit, 50, 100);
        ConflictId after = default;
        if (filters.Cursor is not null && !ConflictId.TryParse(filters.Cursor, out after))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();

        var q = db.Conflicts.AsNoTracking();
        var me = caller.ParticipantId;
        if (!caller.IsRegistryOperator)
        {
            var party = " " + me.Value + " ";
            q = q.Where(c => c.Parties.Contains(party));
        }
        if (filters.Participant is not null)
        {
            var party = " " + participant.Value + " ";
            q = q.Where(c => c.Parties.Contains(party));
        }
        if (filters.Asset is not null)
            q = q.Where(c => c.AssetId == asset);
        if (filters.Portfolio is not null)
        {
            q = caller.IsRegistryOperator
                ? q.Where(c => c.PortfolioA == portfolio || c.PortfolioB == portfolio)
                : q.Where(c => (c.PortfolioA == portfolio && (c.SellerA == me || c.BuyerA == me)) || (c.PortfolioB == portfolio && (c.SellerB == me || c.BuyerB == me)));
        }
        if (filters.Product is not null)
            q = q.Where(c => c.ProductA == product || c.ProductB == product);
        if (status != "all")
        {
            var wanted = Enum.Parse<ConflictStatus>(status, ignoreCase: true);
            q = q.Where(c => c.Status == wanted);
        }
        if (filters.Cursor is not null)
            q = q.Where(c => c.Id.CompareTo(after) > 0);
        var rows = await q.OrderBy(c => c.Id).Take(size + 1).ToListAsync(ct);
        var items = await ConflictView.ToResponsesAsync(db, [.. rows.Take(size)], me, caller.IsRegistryOperator, ct);
        return new Page<ConflictResponse>(items, rows.Count > size ? rows[size - 1].Id.ToString() : null);
    }

    public async Task<ConflictResponse> GetAsync(ConflictId id, Caller caller, CancellationToken ct)
    {
        var conflict = await LoadVisibleAsync(id, caller, tracked: false, ct);
        return (await ConflictView.ToResponsesAsync(db, [conflict], caller.ParticipantId, caller.IsRegistryOperator, ct))[0];
    }

    /// <summary>A party says it knows of the conflict: its notice goes away; the conflict stays open for the others.</summary>
    public async Task<ConflictResponse> AcknowledgeAsync(ConflictId id, AcknowledgeConflictRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.MaxLength("note", request.Note, 500);
        errors.ThrowIfAny();
        var conflict = await LoadVisibleAsync(id, caller, tracked: true, ct);
        conflict.Acknowledge(caller.ParticipantId, time.GetUtcNow());
        journal.Append(conflict.TakeEvents(), AuditEntry.By(caller, "conflict.acknowledge", "conflict", id.ToString(), caller.ParticipantId.Value, "note"));
        await journal.SaveAsync(ct);
        return await GetAsync(id, caller, ct);
    }

    /// <summary>A party to either contract (or the registry operator) records how the conflict was settled.</summary>
    public async Task<ConflictResponse> ResolveAsync(ConflictId id, ResolveConflictRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("resolution", request.Resolution, 1000);
        errors.ThrowIfAny();
        var conflict = await LoadVisibleAsync(id, caller, tracked: true, ct);
        var me = caller.ParticipantId;
        if (!caller.IsRegistryOperator && me != conflict.SellerA && me != conflict.BuyerA && me != conflict.SellerB && me != conflict.BuyerB)
            throw new DomainRuleException(MarketErrors.ConflictNotContractParty, "Only a side of one of the two contracts (or the registry operator) resolves a conflict; you may acknowledge it.");
        conflict.Resolve(caller.ParticipantId, request.Resolution!.Trim(), time.GetUtcNow());
        journal.Append(conflict.TakeEvents(), AuditEntry.By(caller, "conflict.resolve", "conflict", id.ToString(), caller.ParticipantId.Value, "resolution"));
        await journal.SaveAsync(ct);
        return await GetAsync(id, caller, ct);
    }

    /// <summary>
    /// Detection on demand over one scope the caller may see (an asset it is a party to, a portfolio it may see, a
    /// product, a contract it is a side of), or over everything for the registry operator. The register is brought up
    /// to date; the answer lists what the caller may see of the scope's open conflicts.
    /// </summary>
    public async Task<DetectConflictsResponse> DetectAsync(DetectConflictsRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var named = new[] { request.AssetId, request.PortfolioId, request.ProductId, request.ContractId }.Count(v => v is not null);
        if (named > 1 || (named == 0 && !caller.IsRegistryOperator))
            throw new DomainRuleException(MarketErrors.DetectInvalid, named > 1
                ? "Name one of assetId, portfolioId, productId or contractId."
                : "Name an assetId, portfolioId, productId or contractId; only the registry operator scans everything.");
        var scope = ConflictScope.All;
        if (request.AssetId is not null)
        {
            var asset = AssetQueries.ParseId(request.AssetId);
            var found = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == asset, ct);
            if (found is null || (!caller.IsRegistryOperator && !(await relations.HeldAsync([asset], caller.ParticipantId, ct)).Contains(asset)))
                throw new DomainRuleException(AssetErrors.NotFound, $"No asset {asset} is visible to you.");
            scope = ConflictScope.OfAsset(asset);
        }
        else if (request.PortfolioId is not null)
        {
            var portfolio = PortfolioQueries.ParseId(request.PortfolioId);
            await portfolios.LoadVisibleAsync(portfolio, caller, ct);
            scope = ConflictScope.OfPortfolio(portfolio);
        }
        else if (request.ProductId is not null)
        {
            var product = ProductQueries.ParseId(request.ProductId);
            if (!await db.Products.AnyAsync(p => p.Id == product, ct))
                throw new DomainRuleException(MarketErrors.ProductNotFound, $"No product {product}.");
            scope = ConflictScope.Of(product);
        }
        else if (request.ContractId is not null)
        {
            var contractId = ManageContracts.ParseId(request.ContractId);
            var contract = await db.Contracts.AsNoTracking().FirstOrDefaultAsync(c => c.Id == contractId, ct);
            if (contract is null || !MarketVisibility.CanSeeContract(contract, caller))
                throw new DomainRuleException(MarketErrors.ContractNotFound, $"No contract {contractId} is visible to you.");
            scope = ConflictScope.Of(contractId);
        }
        var outcome = await detection.RunAsync(scope, ct);
        var visible = outcome.Conflicts.Where(c => c.Status == ConflictStatus.Open && MarketVisibility.CanSeeConflict(c, caller)).Take(500).ToList();
        return new DetectConflictsResponse(visible.Count, outcome.Detected, outcome.Cleared,
            await ConflictView.ToResponsesAsync(db, visible, caller.ParticipantId, caller.IsRegistryOperator, ct));
    }

    private async Task<Conflict> LoadVisibleAsync(ConflictId id, Caller caller, bool tracked, CancellationToken ct)
    {
        var q = tracked ? db.Conflicts : db.Conflicts.AsNoTracking();
        var conflict = await q.FirstOrDefaultAsync(c => c.Id == id, ct);
        if (conflict is null || !MarketVisibility.CanSeeConflict(conflict, caller))
            throw new DomainRuleException(MarketErrors.ConflictNotFound, $"No conflict {id} is visible to you.");
        return conflict;
    }
}
