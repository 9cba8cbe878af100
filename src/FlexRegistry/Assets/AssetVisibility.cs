using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;

namespace FlexRegistry.Assets;

/// <summary>What one reader sees of one asset, and why.</summary>
/// <param name="Relations">The reader's relationships to the asset (by role, through the asset, through grants).</param>
/// <param name="Groups">The field groups shown.</param>
/// <param name="PurposeNeeded">More would be shown if the reader declared a purpose (it declared none).</param>
public readonly record struct AssetView(Relation Relations, GroupSet Groups, bool PurposeNeeded)
{
    /// <summary>The reader is one of the asset's own parties: its reads are not another participant's, and are not logged.</summary>
    public bool IsParty => (Relations & Visibility.Relations.Parties) != 0;

    public bool IsVisible => !Groups.IsEmpty;
}

/// <summary>The asset field groups of <see cref="VisibilityRule"/>, by name.</summary>
public static class AssetGroups
{
    public static readonly FieldGroup Identity = VisibilityRule.Group(VisibilityRule.Asset, "identity");
    public static readonly FieldGroup Technical = VisibilityRule.Group(VisibilityRule.Asset, "technical");
    public static readonly FieldGroup CoarseLocation = VisibilityRule.Group(VisibilityRule.Asset, "coarse-location");
    public static readonly FieldGroup Address = VisibilityRule.Group(VisibilityRule.Asset, "address");
    public static readonly FieldGroup Identifiers = VisibilityRule.Group(VisibilityRule.Asset, "identifiers");
    public static readonly FieldGroup Consent = VisibilityRule.Group(VisibilityRule.Asset, "consent");
    public static readonly FieldGroup Registration = VisibilityRule.Group(VisibilityRule.Asset, "registration");
    public static readonly FieldGroup AccessLog = VisibilityRule.Group(VisibilityRule.Asset, "access-log");

    /// <summary>The groups an <see cref="AssetSummary"/> (a search hit) carries fields of.</summary>
    public static readonly GroupSet InSummary = GroupSet.None.With(Identity).With(Technical).With(CoarseLocation);
}

/// <summary>
/// Applies the visibility rule to assets: resolves the reader's relationships to each asset (its roles, the asset's
/// parties from every <see cref="IAssetRelationshipSource"/>, the grants it holds) and asks <see cref="VisibilityRule"/>
/// which field groups that shows. Every read of asset data goes through here: by ID, search, export.
/// </summary>
public sealed class AssetVisibility(AssetRelations relations)
{
    public Task<(AssetView[] Views, AssetPartyMap Parties)> ViewAsync(IReadOnlyList<Asset> assets, Reader reader, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(assets);
        return ViewAsync([.. assets.Select(AssetRef.Of)], reader, ct);
    }

    /// <inheritdoc cref="ViewAsync(IReadOnlyList{Asset}, Reader, CancellationToken)"/>
    public async Task<(AssetView[] Views, AssetPartyMap Parties)> ViewAsync(IReadOnlyList<AssetRef> assets, Reader reader, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(assets);
        ArgumentNullException.ThrowIfNull(reader);
        var parties = await relations.PartiesAsync(assets, ct);
        var views = new AssetView[assets.Count];
        // Without asset grants a view depends on nothing but the reader's own relationships to the asset (usually none:
        // a market operator's export), so it is decided once per distinct set of them, not once per asset.
        Dictionary<Relation, AssetView>? decided = reader.Grants.Any(g => g.IsAssetGrant) ? null : [];
        for (var i = 0; i < assets.Count; i++)
        {
            var id = assets[i].Id;
            if (decided is null)
            {
                views[i] = View(id, parties, reader);
                continue;
            }
            var own = parties.RelationsOf(id, reader.ParticipantId);
            if (!decided.TryGetValue(own, out var view))
                decided[own] = view = View(id, parties, reader);
            views[i] = view;
        }
        return (views, parties);
    }

    public static AssetView View(AssetId asset, AssetPartyMap parties, Reader reader)
    {
        ArgumentNullException.ThrowIfNull(parties);
        ArgumentNullException.ThrowIfNull(reader);
        var held = reader.RoleRelations | parties.RelationsOf(asset, reader.ParticipantId);
        GroupSet grantedForPurpose = GroupSet.None, grantedAny = GroupSet.None;
        foreach (var grant in reader.Grants)
        {
            // A grant covers the asset when it names it (or names none: all of the grantor's) and the grantor is still one of its parties.
            if (!grant.IsAssetGrant || (grant.Assets is { } named && !named.Contains(asset))
                || (parties.RelationsOf(asset, grant.Grantor) & Relations.Parties) == 0)
                continue;
            var covered = DataParts.Covers(VisibilityRule.Asset, grant.Part);
            grantedAny = grantedAny.Union(covered);
            if (grant.Purpose == reader.Purpose)
                grantedForPurpose = grantedForPurpose.Union(covered);
        }
        if (!grantedAny.IsEmpty)
            held |= Relation.Grantee;
        // Without a purpose a reader sees only what it is a party to; every other relationship needs one.
        var withoutPurpose = VisibilityRule.Visible(VisibilityRule.Asset, held & (Relations.Parties | Relation.AnyParticipant), GroupSet.None);
        if (reader.HasPurpose)
            return new AssetView(held, VisibilityRule.Visible(VisibilityRule.Asset, held, grantedForPurpose), false);
        var withPurpose = VisibilityRule.Visible(VisibilityRule.Asset, held, grantedAny);
        return new AssetView(held, withoutPurpose, !withPurpose.Except(withoutPurpose).IsEmpty);
    }

    /// <summary>The asset as the API returns it: every field of a withheld group null, the withheld groups named.</summary>
    public static AssetResponse ToResponse(Asset a, GroupSet groups)
    {
        ArgumentNullException.ThrowIfNull(a);
        var identity = groups.Contains(AssetGroups.Identity);
        var technical = groups.Contains(AssetGroups.Technical);
        var coarse = groups.Contains(AssetGroups.CoarseLocation);
        var address = groups.Contains(AssetGroups.Address);
        var identifiers = groups.Contains(AssetGroups.Identifiers);
        var consent = groups.Contains(AssetGroups.Consent);
        var area = coarse && a.DnoDistributorId is { } d ? DnoArea.FindByDistributorId(d) : null;
        return new AssetResponse(
            a.Id.Value, a.Type,
            technical ? a.Status.ToWire() : null,
            technical ? a.DataStatus.ToWire() : null,
            groups.Contains(AssetGroups.Registration) ? a.ConfirmationNote : null,
            identity ? a.MergedInto?.Value : null,
            identifiers ? a.Mpan : null,
            identifiers ? a.ExportMpan : null,
            identity ? a.Manufacturer : null,
            identity ? a.Model : null,
            identifiers ? a.SerialNumber : null,
            !address || (a.AddressLine1 is null && a.Town is null && a.Postcode is null) ? null : new AssetAddressDto { Line1 = a.AddressLine1, Town = a.Town, Postcode = a.Postcode },
            !address || a.Latitude is null ? null : new LocationDto { Latitude = a.Latitude, Longitude = a.Longitude },
            coarse ? a.PostcodeDistrict : null,
            area?.Name,
            coarse ? a.GspGroup : null,
            technical ? (decimal?)a.ImportCapacityKw : null,
            technical ? (decimal?)a.ExportCapacityKw : null,
            technical ? (decimal?)a.StorageCapacityKwh : null,
            technical ? (decimal?)a.ConnectionVoltageKv : null,
            technical ? a.CommissioningDate : null,
            !consent || a.ConsentReference is null ? null : new OwnerConsentDto { Reference = a.ConsentReference, Method = a.ConsentMethod, Date = a.ConsentDate },
            technical ? a.MarketQualifications : null,
            technical ? a.FastTracked : null,
            identity ? a.RegistrantId.Value : null,
            technical
                ? new Dictionary<string, ProvenanceDto>
                {
                    ["identity"] = ToDto(a.IdentityProvenance),
                    ["technical"] = ToDto(a.TechnicalProvenance),
                    ["location"] = ToDto(a.LocationProvenance),
                    ["consent"] = ToDto(a.ConsentProvenance),
                }
                : null,
            identity ? a.RegisteredAt : null,
            identity ? a.UpdatedAt : null,
            identity ? a.VersionNumber : null,
            coarse ? Approximate(a) : null,
            Withheld(groups));
    }

    public static AssetSummary ToSummary(Asset a, GroupSet groups)
    {
        ArgumentNullException.ThrowIfNull(a);
        var technical = groups.Contains(AssetGroups.Technical);
        var coarse = groups.Contains(AssetGroups.CoarseLocation);
        var area = coarse && a.DnoDistributorId is { } d ? DnoArea.FindByDistributorId(d) : null;
        return new AssetSummary(a.Id.Value, a.Type,
            technical ? a.Status.ToWire() : null,
            technical ? a.DataStatus.ToWire() : null,
            coarse ? a.PostcodeDistrict : null,
            area?.Name,
            coarse ? a.GspGroup : null,
            technical ? (decimal?)a.ImportCapacityKw : null,
            technical ? (decimal?)a.ExportCapacityKw : null,
            groups.Contains(AssetGroups.Identity) ? a.RegistrantId.Value : null,
            Withheld(groups.Union(VisibilityRule.Everything(VisibilityRule.Asset).Except(AssetGroups.InSummary))));
    }

    /// <summary>Coordinates rounded to two decimals (about a kilometre), as events and area searches use them.</summary>
    public static LocationDto? Approximate(Asset a)
    {
        ArgumentNullException.ThrowIfNull(a);
        return a.Latitude is { } lat && a.Longitude is { } lon ? new LocationDto { Latitude = Math.Round(lat, 2), Longitude = Math.Round(lon, 2) } : null;
    }

    /// <summary>The withheld groups among those a response of this kind carries (the access-log group is never part of the asset itself).</summary>
    private static IReadOnlyList<string> Withheld(GroupSet groups) =>
        VisibilityRule.Everything(VisibilityRule.Asset).Except(groups).Except(GroupSet.None.With(AssetGroups.AccessLog)).Codes(VisibilityRule.Asset);

    private static ProvenanceDto ToDto(Provenance p) =>
        new(p.DeclaredBy, p.ConfirmedBy, p.ConfirmedAt, p.ConfirmedBy is null ? "provisional" : "confirmed");
}
