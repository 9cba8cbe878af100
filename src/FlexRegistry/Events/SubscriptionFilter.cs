using System.Text.Json;
using FlexRegistry.Client.Contracts;

namespace FlexRegistry.Events;

/// <summary>
/// A subscription's filters, ready to test events. Every filter given must match (AND); within one filter any value
/// may (OR). An event that does not carry what a filter tests does not match it: an area filter therefore selects
/// events whose data has a <c>location</c> (asset events), and a participant filter those about named participants.
/// </summary>
public sealed class SubscriptionFilter
{
    private readonly HashSet<string>? _participants;
    private readonly HashSet<string>? _assets;
    private readonly HashSet<string>? _portfolios;
    private readonly HashSet<int>? _dnoAreas;
    private readonly HashSet<string>? _gspGroups;
    private readonly HashSet<string>? _districts;
    private readonly BoundingBoxDto? _bbox;
    private readonly bool _hasArea;

    public SubscriptionFilter(SubscriptionFiltersDto dto)
    {
        ArgumentNullException.ThrowIfNull(dto);
        _participants = Set(dto.ParticipantIds);
        _assets = Set(dto.AssetIds);
        _portfolios = Set(dto.PortfolioIds);
        if (dto.Areas is { } areas)
        {
            _dnoAreas = areas.DnoAreas is { Count: > 0 } d ? [.. d] : null;
            _gspGroups = Set(areas.GspGroups);
            _districts = Set(areas.PostcodeDistricts);
            _bbox = areas.Bbox;
            _hasArea = _dnoAreas is not null || _gspGroups is not null || _districts is not null || _bbox is not null;
        }
    }

    public bool Matches(EventRecord e)
    {
        if (_participants is null && _assets is null && _portfolios is null && !_hasArea)
            return true;
        using var data = JsonDocument.Parse(e.DataJson);
        var root = data.RootElement;
        if (_participants is not null && !(_participants.Contains(e.Subject) || (Text(root, "participantId") is { } p && _participants.Contains(p))))
            return false;
        if (_assets is not null && !(_assets.Contains(e.Subject) || (Text(root, "assetId") is { } a && _assets.Contains(a))))
            return false;
        if (_portfolios is not null && !(_portfolios.Contains(e.Subject) || (Text(root, "assetId") is { } pa && _portfolios.Contains(pa))
                                         || (Text(root, "portfolioId") is { } pf && _portfolios.Contains(pf))))
            return false;
        return !_hasArea || (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("location", out var location) && InArea(location));
    }

    private bool InArea(JsonElement location)
    {
        if (location.ValueKind != JsonValueKind.Object)
            return false;
        if (_dnoAreas is not null && location.TryGetProperty("dnoArea", out var dno) && dno.ValueKind == JsonValueKind.Number
            && dno.TryGetInt32(out var dnoId) && _dnoAreas.Contains(dnoId))
            return true;
        if (_gspGroups is not null && Text(location, "gspGroup") is { } gsp && _gspGroups.Contains(gsp))
            return true;
        if (_districts is not null && Text(location, "postcodeDistrict") is { } district && _districts.Contains(district))
            return true;
        return _bbox is { } box
            && location.TryGetProperty("latitude", out var lat) && lat.ValueKind == JsonValueKind.Number
            && location.TryGetProperty("longitude", out var lon) && lon.ValueKind == JsonValueKind.Number
            && lat.GetDouble() >= box.MinLatitude && lat.GetDouble() <= box.MaxLatitude
            && lon.GetDouble() >= box.MinLongitude && lon.GetDouble() <= box.MaxLongitude;
    }

    private static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static HashSet<string>? Set(IReadOnlyList<string>? values) =>
        values is { Count: > 0 } ? new HashSet<string>(values, StringComparer.Ordinal) : null;
}
