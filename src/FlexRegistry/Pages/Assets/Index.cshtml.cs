using System.Globalization;
using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Assets;

/// <summary>Search the assets visible to you: <c>GET /api/v1/assets</c>'s use case and filters, and the chart by area.</summary>
[Authorize(Policy = PagePolicies.AssetsRead)]
public sealed class AssetSearchModel(AssetQueries assets) : RegistryPage
{
    public override string Title => "Assets";

    [BindProperty(SupportsGet = true, Name = "type")] public string? Type { get; set; }
    [BindProperty(SupportsGet = true, Name = "dnoArea")] public string? DnoArea { get; set; }
    [BindProperty(SupportsGet = true, Name = "postcodeDistrict")] public string? PostcodeDistrict { get; set; }
    [BindProperty(SupportsGet = true, Name = "minCapacityKw")] public string? MinCapacityKw { get; set; }
    [BindProperty(SupportsGet = true, Name = "maxCapacityKw")] public string? MaxCapacityKw { get; set; }
    [BindProperty(SupportsGet = true, Name = "cursor")] public string? Cursor { get; set; }

    public Page<AssetSummary>? Results { get; private set; }
    public IReadOnlyList<AreaCount>? Areas { get; private set; }
    public bool CanRegister => Caller.Scopes.Contains(Scopes.AssetsWrite);
    public bool CanImport => Caller.Scopes.Contains(Scopes.AssetsImport);

    public IEnumerable<(string, string)> TypeOptions =>
        [("", "Any type"), .. AssetType.All.Select(t => (t.Code, t.Name))];

    public IEnumerable<(string, string)> AreaOptions =>
        [("", "Any area"), .. FlexRegistry.Shared.DnoArea.All.Select(a => (a.DistributorId.ToString(CultureInfo.InvariantCulture), a.Name))];

    public string NextPageUrl => QueryString.Create(new Dictionary<string, string?>
    {
        ["type"] = Type,
        ["dnoArea"] = DnoArea,
        ["postcodeDistrict"] = PostcodeDistrict,
        ["minCapacityKw"] = MinCapacityKw,
        ["maxCapacityKw"] = MaxCapacityKw,
        ["cursor"] = Results?.NextCursor,
    }.Where(p => !string.IsNullOrEmpty(p.Value))).ToUriComponent();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var min = ParseDecimal("minCapacityKw", MinCapacityKw);
        var max = ParseDecimal("maxCapacityKw", MaxCapacityKw);
        if (Errors.Count > 0)
            return Page();
        var search = new AssetSearch(Blank(Type), Blank(DnoArea), null, Blank(PostcodeDistrict), min, max, Blank(Cursor), 50);
        if (await RunAsync(async () => Results = await assets.SearchAsync(search, Caller, ct)) is { } failed)
            return failed;
        if (Cursor is null)
            Areas = await assets.CountByAreaAsync(Caller, ct);
        return Page();
    }

    private decimal? ParseDecimal(string field, string? value)
    {
        if (string.IsNullOrWhiteSpace(value))
            return null;
        if (decimal.TryParse(value, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsed))
            return parsed;
        AddError(field, "field.invalid", "Enter the capacity as a number, like 7.4");
        return null;
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
