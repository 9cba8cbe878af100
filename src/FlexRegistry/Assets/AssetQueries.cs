using System.Globalization;
using System.Linq.Expressions;
using FlexRegistry.AccessLog;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Assets;

/// <summary>
/// Reads of the asset register (BUC.2 step 6): by ID, search and export. What a reader sees of each asset is decided
/// field group by field group by <see cref="AssetVisibility"/>; an asset of which it may see nothing answers 404 exactly
/// like a missing one. A read by anyone other than the asset's parties declares a purpose and is recorded in the access
/// log before anything is returned (<see cref="AccessLogRecorder"/>).
/// </summary>
public sealed class AssetQueries(RegistryDbContext db, Readers readers, AssetVisibility visibility, AssetRelations relations, AccessLogRecorder accessLog)
{
    public const int DefaultPageSize = 50;
    public const int MaxPageSize = 200;

    /// <summary>The largest bounding box, in degrees of latitude and of longitude (a DNO licence area is about 2° across).</summary>
    public const double MaxBoxDegrees = 2.0;

    public static AssetId ParseId(string id) =>
        AssetId.TryParse(id, out var assetId)
            ? assetId
            : throw new DomainRuleException(AssetErrors.InvalidId, "An asset ID is FRA-, a two-letter type code, -, 12 characters and a check character.");

    /// <summary>May the caller change the asset: one of its parties, or the registry operator.</summary>
    public static bool CanChange(Asset asset, Caller caller)
    {
        ArgumentNullException.ThrowIfNull(asset);
        ArgumentNullException.ThrowIfNull(caller);
        return caller.IsRegistryOperator || asset.HasParty(caller.ParticipantId);
    }

    public async Task<(AssetResponse Response, Guid Version)> GetAsync(AssetId id, string? purpose, Caller caller, CancellationToken ct)
    {
        var errors = new FieldErrors();
        var declared = Purposes.Check(purpose, caller.IsRegistryOperator, errors);
        errors.ThrowIfAny();
        var asset = await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id, ct)
            ?? throw NotFound(id);
        var reader = await readers.ResolveAsync(caller, declared, ct);
        var (views, parties) = await visibility.ViewAsync([asset], reader, ct);
        var view = views[0];
        if (!view.IsVisible)
        {
            if (view.PurposeNeeded)
                throw new DomainRuleException(Purposes.Required,
                    $"Reading {id} needs a purpose: add ?purpose= with one of {PurposeCodes(caller)}, or register a default purpose for your client.");
            throw NotFound(id);
        }
        if (!view.IsParty)
            await accessLog.RecordAsync(Read(reader, AccessActions.AssetRead, [new ReadRecord(asset.Id.Value, view.Groups, parties.PartiesOf(asset.Id))]), ct);
        return (AssetVisibility.ToResponse(asset, view.Groups), asset.Version);
    }

    public async Task<Page<AssetSummary>> SearchAsync(AssetSearch search, Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(search);
        var errors = new FieldErrors();
        var size = errors.PageSize(search.Limit, DefaultPageSize, MaxPageSize);
        AssetId? after = null;
        if (search.Cursor is not null)
        {
            if (AssetId.TryParse(search.Cursor, out var c))
                after = c;
            else
                errors.Add("cursor", "cursor.invalid", "cursor is not one this API issued.");
        }
        var (query, reader, filterGroups) = await PrepareAsync(search, caller, errors, ct);
        if (after is { } from)
            query = query.Where(a => a.Id.CompareTo(from) > 0);

        var rows = await query.OrderBy(a => a.Id).Take(size + 1).ToListAsync(ct);
        var page = rows.Take(size).ToList();
        var (views, parties) = await visibility.ViewAsync(page, reader, ct);
        var items = new List<AssetSummary>(page.Count);
        var read = new List<ReadRecord>();
        for (var i = 0; i < page.Count; i++)
        {
            // A filter on a group the reader may not see of this asset must not select it: it would disclose the value.
            if (!Shows(views[i], filterGroups))
                continue;
            var shown = views[i].Groups.Intersect(AssetGroups.InSummary);
            items.Add(AssetVisibility.ToSummary(page[i], shown));
            if (!views[i].IsParty)
                read.Add(new ReadRecord(page[i].Id.Value, shown, parties.PartiesOf(page[i].Id)));
        }
        await accessLog.RecordAsync(Read(reader, AccessActions.AssetSearch, read), ct);
        return new Page<AssetSummary>(items, rows.Count > size ? page[^1].Id.Value : null);
    }

    /// <summary>
    /// How many assets lie in each DNO licence area, for the dashboard's and the search page's chart: those the caller is
    /// a party to (the registry operator: all). Counts only, never a record, so nothing is read that the access log would
    /// record; assets seen only through a role or a grant are left out, since their area would disclose coarse location
    /// beyond what the reader's grants may cover. Assets with no derivable area are counted under null.
    /// </summary>
    /// <remarks>
    /// At a million assets one predicate testing every relationship (<see cref="AssetRelations.Holding"/>) cannot use an
    /// index and reads every asset on every view. So the count is the sum of one count per disjoint, index-usable part of
    /// the same rule (<see cref="AssetRelations.HoldingParts"/>): the registrant's assets by the (registrant, area,
    /// status) index alone, the few assets with several parties by a partial index, attachments and operator claims
    /// from the participant's own rows. The registry operator's count reads the (area, type, status) index alone.
    /// </remarks>
    public Task<IReadOnlyList<AreaCount>> CountByAreaAsync(Caller caller, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(caller);
        return CountByAreaAsync(caller.IsRegistryOperator ? null : caller.ParticipantId, ct);
    }

    /// <summary>As <see cref="CountByAreaAsync(Caller, CancellationToken)"/>: the assets <paramref name="party"/> is a party to, or (null) all.</summary>
    public async Task<IReadOnlyList<AreaCount>> CountByAreaAsync(ParticipantId? party, CancellationToken ct)
    {
        var assets = db.Assets.AsNoTracking().Where(a => a.Status != AssetStatus.Merged);
        IReadOnlyList<Expression<Func<Asset, bool>>> parts = party is { } participant
            ? relations.HoldingParts(participant, Relations.Parties)
            : [a => true];
        var counts = new Dictionary<int, long>();
        long unknown = 0;
        foreach (var part in parts)
        {
            var rows = await assets.Where(part).GroupBy(a => a.DnoDistributorId).Select(g => new { Area = g.Key, Count = g.LongCount() }).ToListAsync(ct);
            foreach (var row in rows)
            {
                if (row.Area is { } area)
                    counts[area] = counts.GetValueOrDefault(area) + row.Count;
                else
                    unknown += row.Count;
            }
        }
        var result = counts.OrderBy(c => c.Key).Select(c => new AreaCount(c.Key, Shared.DnoArea.FindByDistributorId(c.Key)?.Name, c.Value)).ToList();
        if (unknown > 0)
            result.Add(new AreaCount(null, null, unknown));
        return result;
    }

    /// <summary>Whether the view shows the asset at all, and every group a filter looked at.</summary>
    internal static bool Shows(AssetView view, GroupSet filterGroups) => view.IsVisible && view.Groups.Intersect(filterGroups) == filterGroups;

    /// <summary>
    /// Checks the filters (every error at once, into <paramref name="errors"/>, thrown here) and builds the query of the
    /// assets the reader may see and the filters select, with the groups the filters look at.
    /// </summary>
    internal async Task<(IQueryable<Asset> Query, Reader Reader, GroupSet FilterGroups)> PrepareAsync(AssetSearch search, Caller caller, FieldErrors errors,
        CancellationToken ct)
    {
        var filter = AssetFilter.Check(search, caller, errors);
        errors.ThrowIfAny();
        var reader = await readers.ResolveAsync(caller, filter.Purpose, ct);
        if (!reader.HasPurpose && reader.ReadsBeyondOwnAssets)
            throw new DomainRuleException(Purposes.Required,
                $"A search by a participant that may read assets it is not a party to declares a purpose: add ?purpose= with one of {PurposeCodes(caller)}.");
        return (filter.Apply(db.Assets.AsNoTracking().Where(VisibleTo(reader)), relations), reader, filter.Groups);
    }

    /// <summary>
    /// The assets the reader may see something of, as a database predicate: all of them for a market or system operator
    /// and the registry operator (with a purpose); otherwise those it is a party to and those its grants cover.
    /// </summary>
    private Expression<Func<Asset, bool>> VisibleTo(Reader reader)
    {
        if (reader.HasPurpose && (reader.RoleRelations & (Relation.MarketOrSystemOperator | Relation.RegistryOperator)) != 0)
            return a => a.Status != AssetStatus.Merged && a.Status != AssetStatus.Decommissioned;
        var visible = relations.Holding(reader.ParticipantId, Relations.Parties);
        if (reader.HasPurpose)
        {
            foreach (var grant in reader.Grants.Where(g => g.IsAssetGrant && g.Purpose == reader.Purpose))
            {
                if (grant.Assets is { } named)
                {
                    var ids = named.ToList();
                    visible = Predicates.Or(visible, a => ids.Contains(a.Id));
                }
                else
                {
                    visible = Predicates.Or(visible, relations.Holding(grant.Grantor, Relations.Parties));
                }
            }
        }
        return Predicates.And(visible, a => a.Status != AssetStatus.Merged && a.Status != AssetStatus.Decommissioned);
    }

    internal static AccessRead Read(Reader reader, string action, IReadOnlyList<ReadRecord> records) =>
        new(reader.ParticipantId, reader.Caller.Actor, reader.Caller.ClientId, reader.Purpose ?? "", action, VisibilityRule.Asset, records);

    private static string PurposeCodes(Caller caller) =>
        string.Join(", ", Purposes.All.Where(p => caller.IsRegistryOperator || !p.RegistryOperatorOnly).Select(p => p.Code));

    private static DomainRuleException NotFound(AssetId id) => new(AssetErrors.NotFound, $"No asset {id} is visible to you.");
}

/// <summary>Filters of <c>GET /api/v1/assets</c> and <c>GET /api/v1/assets/export</c>, as sent (checked by <see cref="AssetFilter.Check"/>).</summary>
public sealed record AssetSearch(
    string? Type = null,
    string? DnoArea = null,
    string? GspGroup = null,
    string? PostcodeDistrict = null,
    string? Bbox = null,
    string? MinCapacityKw = null,
    string? MaxCapacityKw = null,
    string? Status = null,
    string? Operator = null,
    string? Portfolio = null,
    string? Provenance = null,
    string? RegisteredFrom = null,
    string? RegisteredTo = null,
    string? Purpose = null,
    string? Cursor = null,
    int? Limit = null);

/// <summary>Assets in one DNO licence area (<see cref="DistributorId"/> null: no area could be derived).</summary>
public sealed record AreaCount(int? DistributorId, string? Name, long Count);

/// <summary>The checked filters, and how they narrow a query.</summary>
internal sealed record AssetFilter(
    IReadOnlyList<string>? Types,
    int? DnoArea,
    string? GspGroup,
    string? PostcodeDistrict,
    (double MinLat, double MinLon, double MaxLat, double MaxLon)? Box,
    double? MinCapacity,
    double? MaxCapacity,
    IReadOnlyList<AssetStatus>? Statuses,
    ParticipantId? Operator,
    DataStatus? Provenance,
    DateTimeOffset? RegisteredFrom,
    DateTimeOffset? RegisteredTo,
    string? Purpose,
    GroupSet Groups)
{
    public static AssetFilter Check(AssetSearch s, Caller caller, FieldErrors errors)
    {
        var groups = GroupSet.None;
        List<string>? types = null;
        if (s.Type is not null)
        {
            types = [];
            var codes = s.Type.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var code in codes)
            {
                if (AssetType.Find(code) is { } type)
                    types.Add(type.Code);
            }
            if (codes.Length == 0 || types.Count < codes.Length)
                errors.Add("type", ValidationRule.TypeUnknown.Code, $"type is one or more (comma-separated) of {string.Join(", ", AssetType.All.Select(t => t.Code))}.");
        }
        int? dno = null;
        if (s.DnoArea is not null)
        {
            if (int.TryParse(s.DnoArea, NumberStyles.None, CultureInfo.InvariantCulture, out var d) && Shared.DnoArea.FindByDistributorId(d) is not null)
                dno = d;
            else
                errors.Add("dnoArea", "field.invalid", "dnoArea is a DNO distributor ID 10–23 (GET /api/v1/reference/dno-areas).");
            groups = groups.With(AssetGroups.CoarseLocation);
        }
        string? gsp = null;
        if (s.GspGroup is not null)
        {
            gsp = Shared.DnoArea.FindByGspGroup(s.GspGroup)?.GspGroup;
            if (gsp is null)
                errors.Add("gspGroup", "field.invalid", "gspGroup is a GSP group such as _A or A.");
            groups = groups.With(AssetGroups.CoarseLocation);
        }
        var district = s.PostcodeDistrict?.Trim().ToUpperInvariant();
        if (district is not null)
        {
            if (district.Length is < 2 or > 4 || !district.All(char.IsAsciiLetterOrDigit) || !char.IsAsciiLetter(district[0]))
                errors.Add("postcodeDistrict", "field.invalid", "postcodeDistrict is an outward code such as CB1 or SW1A.");
            groups = groups.With(AssetGroups.CoarseLocation);
        }
        var box = s.Bbox is null ? null : ParseBox(s.Bbox, errors);
        if (s.Bbox is not null)
            groups = groups.With(AssetGroups.CoarseLocation);
        var min = Number("minCapacityKw", s.MinCapacityKw, errors);
        var max = Number("maxCapacityKw", s.MaxCapacityKw, errors);
        if (min is < 0 || max is < 0 || (min is not null && max is not null && min > max))
            errors.Add("minCapacityKw", "field.out_of_range", "Capacities must be non-negative and minCapacityKw ≤ maxCapacityKw.");
        if (s.MinCapacityKw is not null || s.MaxCapacityKw is not null)
            groups = groups.With(AssetGroups.Technical);
        List<AssetStatus>? statuses = null;
        if (s.Status is not null)
        {
            statuses = [];
            var values = s.Status.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            foreach (var value in values)
            {
                if (value is "planned" or "commissioned")
                    statuses.Add(value == "planned" ? AssetStatus.Planned : AssetStatus.Commissioned);
            }
            if (values.Length == 0 || statuses.Count < values.Length)
                errors.Add("status", "field.invalid", "status is planned and/or commissioned (comma-separated).");
            groups = groups.With(AssetGroups.Technical);
        }
        ParticipantId? op = null;
        if (s.Operator is not null)
        {
            if (ParticipantId.TryParse(s.Operator, out var o))
                op = o;
            else
                errors.Add("operator", ParticipantErrors.InvalidId.Code, "operator is a participant ID.");
            groups = groups.With(AssetGroups.Identity);
        }
        if (s.Portfolio is not null)
            errors.Add("portfolio", "search.filter_unavailable", "Portfolios have no members in this register yet; the portfolio filter arrives with them.");
        DataStatus? provenance = null;
        if (s.Provenance is not null)
        {
            provenance = s.Provenance switch
            {
                "confirmed" => DataStatus.Confirmed,
                "provisional" => DataStatus.Provisional,
                "mismatch" => DataStatus.Mismatch,
                _ => null,
            };
            if (provenance is null)
                errors.Add("provenance", "field.invalid", "provenance is confirmed, provisional or mismatch.");
            groups = groups.With(AssetGroups.Technical);
        }
        var from = Time("registeredFrom", s.RegisteredFrom, errors);
        var to = Time("registeredTo", s.RegisteredTo, errors);
        if (from is not null && to is not null && from >= to)
            errors.Add("registeredTo", "field.out_of_range", "registeredTo must be after registeredFrom.");
        if (from is not null || to is not null)
            groups = groups.With(AssetGroups.Identity);
        var purpose = Purposes.Check(s.Purpose, caller.IsRegistryOperator, errors);
        return new AssetFilter(types, dno, gsp, district, box, min, max, statuses, op, provenance, from, to, purpose, groups);
    }

    public IQueryable<Asset> Apply(IQueryable<Asset> q, AssetRelations relations)
    {
        if (Types is [var type])
            q = q.Where(a => a.Type == type); // equality, not a one-element list: the area + type + ID index then serves the page in order
        else if (Types is { } types)
            q = q.Where(a => types.Contains(a.Type));
        if (DnoArea is { } dno)
            q = q.Where(a => a.DnoDistributorId == dno);
        if (GspGroup is { } gsp)
            q = q.Where(a => a.GspGroup == gsp);
        if (PostcodeDistrict is { } district)
            q = q.Where(a => a.PostcodeDistrict == district);
        if (Box is { } box)
            q = q.Where(a => a.Latitude >= box.MinLat && a.Latitude < box.MaxLat && a.Longitude >= box.MinLon && a.Longitude < box.MaxLon);
        if (MinCapacity is { } min)
            q = q.Where(a => a.RatedCapacityKw >= min);
        if (MaxCapacity is { } max)
            q = q.Where(a => a.RatedCapacityKw <= max);
        if (Statuses is { } statuses)
            q = q.Where(a => statuses.Contains(a.Status));
        if (Operator is { } op)
            q = q.Where(relations.Holding(op, Relation.OperatingFsp | Relation.Registrant));
        if (Provenance is { } provenance)
            q = q.Where(a => a.DataStatus == provenance);
        if (RegisteredFrom is { } from)
            q = q.Where(a => a.RegisteredAt >= from);
        if (RegisteredTo is { } to)
            q = q.Where(a => a.RegisteredAt < to);
        return q;
    }

    /// <summary>
    /// <c>minLon,minLat,maxLon,maxLat</c> (GeoJSON order), at most <see cref="AssetQueries.MaxBoxDegrees"/> each way.
    /// The edges are snapped to the 0.01° grid and the box selects assets whose coordinates <em>rounded</em> to 0.01° lie
    /// inside it, so that however small or shifted the boxes, a search discloses no more of where an asset is than
    /// its approximate location (coarse-location group) does.
    /// </summary>
    private static (double, double, double, double)? ParseBox(string bbox, FieldErrors errors)
    {
        var parts = bbox.Split(',', StringSplitOptions.TrimEntries);
        var values = parts.Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : (double?)null).ToList();
        if (parts.Length != 4 || values.Any(v => v is null))
        {
            errors.Add("bbox", "field.invalid", "bbox is minLon,minLat,maxLon,maxLat in decimal degrees, e.g. -0.2,51.4,0.1,51.6.");
            return null;
        }
        var (minLon, minLat, maxLon, maxLat) = (values[0]!.Value, values[1]!.Value, values[2]!.Value, values[3]!.Value);
        if (minLat is < -90 or > 90 || maxLat is < -90 or > 90 || minLon is < -180 or > 180 || maxLon is < -180 or > 180 || minLat >= maxLat || minLon >= maxLon)
        {
            errors.Add("bbox", "field.out_of_range", "bbox needs minLon < maxLon and minLat < maxLat, latitudes within ±90 and longitudes within ±180.");
            return null;
        }
        if (maxLat - minLat > AssetQueries.MaxBoxDegrees || maxLon - minLon > AssetQueries.MaxBoxDegrees)
        {
            errors.Add("bbox", "search.bbox_too_large", $"bbox spans at most {AssetQueries.MaxBoxDegrees}° of latitude and of longitude; search a larger area by DNO area or GSP group.");
            return null;
        }
        static double Snap(double v) => Math.Round(v, 2, MidpointRounding.AwayFromZero);
        // Rounded coordinates in [snapped min, snapped max] are raw coordinates in [min - 0.005, max + 0.005).
        return (Snap(minLat) - 0.005, Snap(minLon) - 0.005, Snap(maxLat) + 0.005, Snap(maxLon) + 0.005);
    }

    private static double? Number(string field, string? value, FieldErrors errors)
    {
        if (value is null)
            return null;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v))
            return v;
        errors.Add(field, "field.invalid", $"{field} is a number.");
        return null;
    }

    private static DateTimeOffset? Time(string field, string? value, FieldErrors errors)
    {
        if (value is null)
            return null;
        if (DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var v))
            return v.ToUniversalTime();
        errors.Add(field, "field.invalid", $"{field} is an ISO 8601 date or date-time, e.g. 2025-01-31 or 2025-01-31T12:00:00Z.");
        return null;
    }
}
