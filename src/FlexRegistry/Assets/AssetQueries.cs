using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets;

/// <summary>
/// Reads of the asset register. An asset is visible to the parties attached to it and to the registry operator;
/// to anyone else it answers 404 exactly like a missing one.
/// </summary>
public sealed class AssetQueries(RegistryDbContext db, RecordAssetAccess accesses, AssetPartyRoles roles)
{
    public static AssetId ParseId(string id) =>
        AssetId.TryParse(id, out var assetId)
            ? assetId
            : throw new DomainRuleException(AssetErrors.InvalidId, "An asset ID is FRA-, a two-letter type code, -, 12 characters and a check character.");

    public async Task<(AssetResponse Response, Guid Version)> GetAsync(AssetId id, Caller caller, CancellationToken ct)
    {
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct);
        // Its parties (registrant, owner, installer, operating FSP) and the registry operator see it.
        var held = asset is null ? AssetRoles.None : await roles.OfAsync(asset, caller, ct);
        if (asset is null || held == AssetRoles.None)
            throw new DomainRuleException(AssetErrors.NotFound, $"No asset {id} is visible to you.");
        // BUC.2 step 6a: a read by someone who is not a party to the asset is counted for the asset.accessed event.
        if ((held & (AssetRoles.Owner | AssetRoles.Installer | AssetRoles.OperatingFsp)) == AssetRoles.None)
            await accesses.RecordAsync(asset, caller, ct);
        return (ToResponse(asset), asset.Version);
    }

    public async Task<Page<AssetSummary>> SearchAsync(AssetSearch search, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(search);
        var errors = new FieldErrors();
        AssetType? type = null;
        if (search.Type is not null && (type = AssetType.Find(search.Type)) is null)
            errors.Add("type", ValidationRule.TypeUnknown.Code, $"type must be one of {string.Join(", ", AssetType.All.Select(t => t.Code))}.");
        int? dno = null;
        if (search.DnoArea is not null)
        {
            if (int.TryParse(search.DnoArea, out var d) && DnoArea.FindByDistributorId(d) is not null)
                dno = d;
            else
                errors.Add("dnoArea", "field.invalid", "dnoArea is a DNO distributor ID 10–23 (GET /api/v1/reference/dno-areas).");
        }
        string? gsp = null;
        if (search.GspGroup is not null)
        {
            gsp = DnoArea.FindByGspGroup(search.GspGroup)?.GspGroup;
            if (gsp is null)
                errors.Add("gspGroup", "field.invalid", "gspGroup is a GSP group such as _A or A.");
        }
        var district = search.PostcodeDistrict?.Trim().ToUpperInvariant();
        if (district is not null && district.Length is < 2 or > 4)
            errors.Add("postcodeDistrict", "field.invalid", "postcodeDistrict is an outward code such as CB1 or SW1A.");
        if (search.MinCapacityKw is < 0 || search.MaxCapacityKw is < 0 || search.MinCapacityKw > search.MaxCapacityKw)
            errors.Add("minCapacityKw", "field.out_of_range", "Capacities must be non-negative and minCapacityKw ≤ maxCapacityKw.");
        var size = errors.PageSize(search.Limit, 50, 200);
        AssetId after = default;
        if (search.Cursor is not null && !AssetId.TryParse(search.Cursor, out after))
            errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        errors.ThrowIfAny();

        var q = db.Assets.AsNoTracking().Where(a => a.Status != AssetStatus.Merged && a.Status != AssetStatus.Decommissioned);
        if (!caller.IsRegistryOperator)
        {
            var party = " " + caller.ParticipantId.Value + " ";
            var participant = caller.ParticipantId;
            q = q.Where(a => a.Parties.Contains(party)
                || db.AssetParties.Any(p => p.AssetId == a.Id && p.ParticipantId == participant && p.Status == AssetPartyStatus.Active));
        }
        if (type is not null)
            q = q.Where(a => a.Type == type.Code);
        if (dno is not null)
            q = q.Where(a => a.DnoDistributorId == dno);
        if (gsp is not null)
            q = q.Where(a => a.GspGroup == gsp);
        if (district is not null)
            q = q.Where(a => a.PostcodeDistrict == district);
        if (search.MinCapacityKw is { } min)
            q = q.Where(a => a.RatedCapacityKw >= (double)min);
        if (search.MaxCapacityKw is { } max)
            q = q.Where(a => a.RatedCapacityKw <= (double)max);
        if (search.Cursor is not null)
            q = q.Where(a => a.Id.CompareTo(after) > 0);
        var rows = await q.OrderBy(a => a.Id).Take(size + 1).ToListAsync(ct);
        var items = rows.Take(size).Select(ToSummary).ToList();
        return new Page<AssetSummary>(items, rows.Count > size ? rows[size - 1].Id.Value : null);
    }

    public static AssetResponse ToResponse(Asset a)
    {
        ArgumentNullException.ThrowIfNull(a);
        var area = a.DnoDistributorId is { } d ? DnoArea.FindByDistributorId(d) : null;
        return new AssetResponse(
            a.Id.Value, a.Type, a.Status.ToWire(), a.DataStatus.ToWire(), a.ConfirmationNote, a.MergedInto?.Value,
            a.Mpan, a.ExportMpan, a.Manufacturer, a.Model, a.SerialNumber,
            a.AddressLine1 is null && a.Town is null && a.Postcode is null ? null : new AssetAddressDto { Line1 = a.AddressLine1, Town = a.Town, Postcode = a.Postcode },
            a.Latitude is null ? null : new LocationDto { Latitude = a.Latitude, Longitude = a.Longitude },
            a.PostcodeDistrict, area?.Name, a.GspGroup,
            (decimal?)a.ImportCapacityKw, (decimal?)a.ExportCapacityKw, (decimal?)a.StorageCapacityKwh, (decimal?)a.ConnectionVoltageKv,
            a.CommissioningDate,
            a.ConsentReference is null ? null : new OwnerConsentDto { Reference = a.ConsentReference, Method = a.ConsentMethod, Date = a.ConsentDate },
            a.MarketQualifications, a.FastTracked, a.RegistrantId.Value,
            new Dictionary<string, ProvenanceDto>
            {
                ["identity"] = ToDto(a.IdentityProvenance),
                ["technical"] = ToDto(a.TechnicalProvenance),
                ["location"] = ToDto(a.LocationProvenance),
                ["consent"] = ToDto(a.ConsentProvenance),
            },
            a.RegisteredAt, a.UpdatedAt, a.VersionNumber);
    }

    private static ProvenanceDto ToDto(Provenance p) =>
        new(p.DeclaredBy, p.ConfirmedBy, p.ConfirmedAt, p.ConfirmedBy is null ? "provisional" : "confirmed");

    private static AssetSummary ToSummary(Asset a)
    {
        var area = a.DnoDistributorId is { } d ? DnoArea.FindByDistributorId(d) : null;
        return new AssetSummary(a.Id.Value, a.Type, a.Status.ToWire(), a.DataStatus.ToWire(), a.PostcodeDistrict, area?.Name, a.GspGroup,
            (decimal?)a.ImportCapacityKw, (decimal?)a.ExportCapacityKw, a.RegistrantId.Value);
    }
}

/// <summary>Filters of <c>GET /api/v1/assets</c>.</summary>
public sealed record AssetSearch(
    string? Type, string? DnoArea, string? GspGroup, string? PostcodeDistrict, decimal? MinCapacityKw, decimal? MaxCapacityKw, string? Cursor, int? Limit);
