using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>The public product catalogue: any participant finds products and reads their data requirements (BUC.2 step 1b).</summary>
public sealed class ProductQueries(RegistryDbContext db)
{
    public static ProductId ParseId(string id) =>
        ProductId.TryParse(id, out var productId)
            ? productId
            : throw new DomainRuleException(MarketErrors.ProductNotFound, $"No product {Truncate(id)}.");

    public async Task<Product> LoadAsync(ProductId id, CancellationToken ct) =>
        await db.Products.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, ct)
        ?? throw new DomainRuleException(MarketErrors.ProductNotFound, $"No product {id}.");

    public async Task<Page<ProductResponse>> SearchAsync(string? template, string? serviceClass, string? owner, string? cursor, int? limit, CancellationToken ct)
    {
        var errors = new FieldErrors();
        if (template is not null && ProductTemplate.Find(template) is null)
            errors.Add("template", "product.template_unknown", $"template must be one of {string.Join(", ", ProductTemplate.All.Select(t => t.Code))}.");
        if (serviceClass is not null && ServiceClass.Find(serviceClass) is null)
            errors.Add("serviceClass", "field.invalid", $"serviceClass must be one of {string.Join(", ", ServiceClass.All.Select(c => c.Code))}.");
        ParticipantId ownerId = default;
        if (owner is not null && !ParticipantId.TryParse(owner, out ownerId))
            errors.Add("owner", ParticipantErrors.InvalidId.Code, "owner is a participant ID.");
        var size = errors.PageSize(limit, 50, 100);
        ProductId after = default;
        if (cursor is not null && !ProductId.TryParse(cursor, out after))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();

        var q = db.Products.AsNoTracking();
        if (template is not null)
            q = q.Where(p => p.Template == template);
        if (serviceClass is not null)
            q = q.Where(p => p.ServiceClass == serviceClass);
        if (owner is not null)
            q = q.Where(p => p.OwnerId == ownerId);
        if (cursor is not null)
            q = q.Where(p => p.Id.CompareTo(after) > 0);
        var rows = await q.OrderBy(p => p.Id).Take(size + 1).ToListAsync(ct);
        return new Page<ProductResponse>([.. rows.Take(size).Select(p => p.ToResponse())], rows.Count > size ? rows[size - 1].Id.ToString() : null);
    }

    private static string Truncate(string id) => id.Length > 40 ? id[..40] + "…" : id;
}
