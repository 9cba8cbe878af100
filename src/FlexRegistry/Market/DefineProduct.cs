using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// A system or market operator defines a product from a published template (the scope <c>products:manage</c>, held
/// only by those roles, lets it call), or changes its own product's terms; a change re-checks every conflict the
/// product's contracts are in.
/// </summary>
public sealed class DefineProduct(RegistryDbContext db, Journal journal, IdempotentCreates idempotency, ConflictChecks checks, TimeProvider time)
{
    private const string Operation = "POST /api/v1/products";

    public async Task<(ProductResponse Response, Guid Version)> CreateAsync(ProductRequest request, string? idempotencyKey, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (await ReplayAsync(request, idempotencyKey, caller, ct) is { } replay)
            return replay;

        var data = ProductData.Validate(request);
        var product = Product.Define(data, caller.ParticipantId, time.GetUtcNow());
        db.Products.Add(product);
        journal.Append(product.TakeEvents(), AuditEntry.By(caller, "product.define", "product", product.Id.ToString(), caller.ParticipantId.Value, Fields(request)));
        var response = product.ToResponse();
        idempotency.Remember(caller, idempotencyKey, Operation, request, product.Id.ToString(), response);
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation() && idempotencyKey is not null)
        {
            // The same key committed first in a concurrent request: answer as it did.
            db.ChangeTracker.Clear();
            return await ReplayAsync(request, idempotencyKey, caller, ct) ?? throw new InvalidOperationException("The idempotency record vanished.", e);
        }
        return (response, product.Version);
    }

    public async Task<(ProductResponse Response, Guid Version)> ChangeAsync(ProductId id, ProductRequest request, IfMatch? ifMatch, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (ifMatch is null)
            throw new DomainRuleException(AssetErrors.PreconditionRequired, "Send If-Match with the ETag from GET /api/v1/products/{id}.");
        var product = await db.Products.FirstOrDefaultAsync(p => p.Id == id, ct)
            ?? throw new DomainRuleException(MarketErrors.ProductNotFound, $"No product {id}.");
        if (product.OwnerId != caller.ParticipantId && !caller.IsRegistryOperator)
            throw new DomainRuleException(MarketErrors.ProductNotOwner, $"Product {id} is {product.OwnerId}'s; only its owner changes it.");
        if (!ifMatch.IsMetBy(product.Version))
            throw new DomainRuleException(CommonErrors.PreconditionFailed, "The product changed since you read it; GET it again and reapply your change.");

        var data = ProductData.Validate(request);
        var contractParties = await db.Contracts.AsNoTracking().Where(c => c.ProductId == id && c.Status != ContractStatus.Declined)
            .Select(c => c.SellerId).Distinct().ToListAsync(ct);
        product.Change(data, contractParties, time.GetUtcNow());
        journal.Append(product.TakeEvents(), AuditEntry.By(caller, "product.change", "product", id.ToString(), product.OwnerId.Value, Fields(request)));
        var check = checks.Queue(ConflictScope.Of(id));
        try
        {
            await journal.SaveAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new DomainRuleException(CommonErrors.PreconditionFailed, "The product changed since you read it; GET it again and reapply your change.");
        }
        // New windows or a new period may create or clear conflicts for every contract on the product.
        await checks.RunAsync(check, ct);
        return (product.ToResponse(), product.Version);
    }

    private async Task<(ProductResponse, Guid)?> ReplayAsync(ProductRequest request, string? key, Caller caller, CancellationToken ct)
    {
        if (await idempotency.ReplayAsync<ProductResponse>(caller, key, Operation, request, ct) is not { } replay)
            return null;
        var id = ProductId.TryParse(replay.ProductId, out var pid) ? pid : default;
        var version = await db.Products.AsNoTracking().Where(p => p.Id == id).Select(p => p.Version).FirstOrDefaultAsync(ct);
        return (replay, version);
    }

    private static string[] Fields(ProductRequest r) =>
    [
        .. new (string Name, object? Value)[]
        {
            ("template", r.Template), ("name", r.Name), ("direction", r.Direction), ("capacityKw", r.CapacityKw), ("validFrom", r.ValidFrom),
            ("validTo", r.ValidTo), ("windows", r.Windows), ("locationScope", r.LocationScope), ("requirements", r.Requirements),
        }.Where(f => f.Value is not null).Select(f => f.Name),
    ];
}
