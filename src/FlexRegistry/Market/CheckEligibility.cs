using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Market;

/// <summary>
/// BUC.2 step 1b: for a product and a set of the caller's assets (or the current members of one of its portfolios),
/// says per asset what is missing — fields not present, field groups not confirmed, a type, area or status the product
/// does not take — and which of the asset's existing commitments delivering the product would conflict with. Nothing is
/// stored. Assets the caller cannot see are reported as not found, exactly like missing ones.
/// </summary>
public sealed class CheckEligibility(RegistryDbContext db, ProductQueries products, ConflictDetection detection, AssetRelations relations, TimeProvider time)
{
    public const int MaxAssets = 10_000;

    public async Task<EligibilityCheckResponse> HandleAsync(ProductId productId, EligibilityCheckRequest request, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(caller);
        var product = await products.LoadAsync(productId, ct);
        var errors = new FieldErrors();
        var named = request.AssetIds ?? [];
        if (named.Count > 0 == (request.PortfolioId is not null))
            errors.Add("assetIds", "product.eligibility_scope", "Name either assetIds or a portfolioId.");
        if (named.Count > MaxAssets)
            errors.Add("assetIds", "field.too_many", $"At most {MaxAssets} assets per check.");
        var ids = new List<AssetId>();
        for (var i = 0; i < named.Count && i < MaxAssets; i++)
        {
            if (AssetId.TryParse(named[i], out var id))
                ids.Add(id);
            else
                errors.Add($"assetIds[{i}]", AssetErrors.InvalidId.Code, "An asset ID is FRA-, a type code, -, 12 characters and a check character.");
        }
        AssetId portfolioId = default;
        if (request.PortfolioId is not null && !AssetId.TryParse(request.PortfolioId, out portfolioId))
            errors.Add("portfolioId", AssetErrors.InvalidId.Code, "portfolioId is an asset ID of type portfolio.");
        if (errors.Any)
            throw new RequestValidationException(errors.All, MarketErrors.EligibilityInvalid);

        if (request.PortfolioId is not null)
        {
            var portfolio = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == portfolioId && a.Type == AssetType.Portfolio, ct);
            if (portfolio is null || !MarketVisibility.CanSeePortfolio(portfolio, caller, contractedBuyer: false))
                throw new DomainRuleException(MarketErrors.PortfolioNotFound, $"No portfolio {portfolioId} is visible to you.");
            var now = time.GetUtcNow();
            ids = await db.PortfolioMembers.AsNoTracking()
                .Where(m => m.PortfolioId == portfolioId && m.From <= now && (m.To == null || m.To > now))
                .Select(m => m.AssetId).Distinct().Take(MaxAssets).ToListAsync(ct);
        }

        var distinct = ids.Distinct().ToList();
        var assets = await db.Assets.AsNoTracking().Where(a => distinct.Contains(a.Id)).ToDictionaryAsync(a => a.Id, ct);
        // A portfolio's members are checked as its owner sees them; named assets only where the caller is one of their parties.
        var visible = request.PortfolioId is not null || caller.IsRegistryOperator
            ? assets.Keys.ToHashSet()
            : [.. await relations.HeldAsync(assets.Keys, caller.ParticipantId, ct)];
        // The product as if contracted with each whole asset is side A (its contract ID is empty); side B is the existing commitment.
        var found = await detection.ClashesAsync(visible, product, caller.ParticipantId, ct);
        var committed = found.Select(c => c.B.Product).Distinct().ToList();
        var names = await db.Products.AsNoTracking().Where(p => committed.Contains(p.Id)).ToDictionaryAsync(p => p.Id, ct);
        var clashes = found.ToLookup(c => c.AssetId, c => new CommitmentClash(c.Rule, c.B.Product.ToString(), names[c.B.Product].Name,
            names[c.B.Product].Template, c.Overlap.ToDto()));
        var requirements = product.Requirements();
        var results = distinct.Select(id => assets.TryGetValue(id, out var asset) && visible.Contains(id)
                ? Assess(asset, requirements, product, [.. clashes[id].Take(100)])
                : new AssetEligibility(id.Value, false, [], [], [new FieldErrorDto("assetId", AssetErrors.NotFound.Code, $"No asset {id} is visible to you.")], []))
            .ToList();
        return new EligibilityCheckResponse(product.Id.ToString(), results.Count(r => r.Eligible), results.Count(r => !r.Eligible), results);
    }

    private static AssetEligibility Assess(Asset asset, ProductRequirementsResponse requirements, Product product, IReadOnlyList<CommitmentClash> conflicts)
    {
        var missing = requirements.RequiredFields.Where(f => !Has(asset, f)).ToList();
        var unconfirmed = requirements.ConfirmedGroups.Where(g => Provenance(asset, g).ConfirmedBy is null).ToList();
        var problems = new List<FieldErrorDto>();
        if (asset.Status == AssetStatus.Merged)
            problems.Add(new FieldErrorDto("status", "asset.merged", $"The asset was merged into {asset.MergedInto}; check the survivor."));
        if (!requirements.AssetTypes.Contains(asset.Type))
            problems.Add(new FieldErrorDto("type", "product.asset_type_not_accepted", $"{product.Name} takes {string.Join(", ", requirements.AssetTypes)}, not {asset.Type}."));
        if (requirements.RequireCommissioned && asset.Status != AssetStatus.Commissioned)
            problems.Add(new FieldErrorDto("status", "product.asset_not_commissioned", $"{product.Name} takes commissioned assets only."));
        if (!InScope(asset, requirements.LocationScope))
            problems.Add(new FieldErrorDto("location", "product.asset_out_of_scope", $"The asset is outside {product.Name}'s location scope."));
        return new AssetEligibility(asset.Id.Value, missing.Count == 0 && unconfirmed.Count == 0 && problems.Count == 0 && conflicts.Count == 0,
            missing, unconfirmed, problems, conflicts);
    }

    private static bool InScope(Asset asset, LocationScopeDto scope)
    {
        var dno = scope.DnoAreas ?? [];
        var gsp = scope.GspGroups ?? [];
        var districts = scope.PostcodeDistricts ?? [];
        if (dno.Count + gsp.Count + districts.Count == 0)
            return true;
        return (asset.DnoDistributorId is { } d && dno.Contains(d)) || (asset.GspGroup is { } g && gsp.Contains(g))
            || (asset.PostcodeDistrict is { } p && districts.Contains(p));
    }

    private static bool Has(Asset a, string field) => field switch
    {
        "mpan" => a.Mpan is not null,
        "exportMpan" => a.ExportMpan is not null,
        "manufacturer" => a.Manufacturer is not null,
        "model" => a.Model is not null,
        "serialNumber" => a.SerialNumber is not null,
        "address" => a.AddressLine1 is not null && a.Postcode is not null,
        "location" => a.Latitude is not null && a.Longitude is not null,
        "importCapacityKw" => a.ImportCapacityKw is not null,
        "exportCapacityKw" => a.ExportCapacityKw is not null,
        "storageCapacityKwh" => a.StorageCapacityKwh is not null,
        "connectionVoltageKv" => a.ConnectionVoltageKv is not null,
        "commissioningDate" => a.CommissioningDate is not null,
        "ownerConsent" => a.ConsentReference is not null,
        "marketQualifications" => a.MarketQualifications.Count > 0,
        _ => false,
    };

    private static Provenance Provenance(Asset a, string group) => group switch
    {
        "identity" => a.IdentityProvenance,
        "technical" => a.TechnicalProvenance,
        "location" => a.LocationProvenance,
        _ => a.ConsentProvenance,
    };
}
