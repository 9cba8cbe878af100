using System.Globalization;
using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Visibility;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Assets;

/// <summary>
/// Search the assets visible to you: <c>GET /api/v1/assets</c>'s use case, filters and visibility rule (a market or
/// system operator declares a purpose to see beyond its own assets, and each read is in the access log), and the chart
/// of your assets by area.
/// </summary>
[Authorize(Policy = PagePolicies.AssetsRead)]
public sealed class AssetSearchModel(AssetQueries assets, AssetsByArea assetsByArea) : RegistryPage
{
    public override string Title => "Assets";

    [BindProperty(SupportsGet = true, Name = "type")] public string? Type { get; set; }
    [BindProperty(SupportsGet = true, Name = "dnoArea")] public string? DnoArea { get; set; }
    [BindProperty(SupportsGet = true, Name = "postcodeDistrict")] public string? PostcodeDistrict { get; set; }
    [BindProperty(SupportsGet = true, Name = "minCapacityKw")] public string? MinCapacityKw { get; set; }
    [BindProperty(SupportsGet = true, Name = "maxCapacityKw")] public string? MaxCapacityKw { get; set; }
    [BindProperty(SupportsGet = true, Name = "purpose")] public string? Purpose { get; set; }
    [BindProperty(SupportsGet = true, Name = "cursor")] public string? Cursor { get; set; }

    public Page<AssetSummary>? Results { get; private set; }
    public AreaCounts? Areas { get; private set; }
    public bool CanRegister => Caller.Scopes.Contains(Scopes.AssetsWrite);
    public bool CanImport => Caller.Scopes.Contains(Scopes.AssetsImport);

    public IEnumerable<(string, string)> TypeOptions =>
        [("", "Any type"), .. AssetType.All.Select(t => (t.Code, t.Name))];

    public IEnumerable<(string, string)> PurposeOptions =>
        [("", "None: only assets I am a party to"), .. Purposes.All.Where(p => Caller.IsRegistryOperator || !p.RegistryOperatorOnly).Select(p => (p.Code, p.Name))];

    /// <summary>A search result's link, carrying the purpose the search declared.</summary>
    public string AssetUrl(string assetId) =>
        "/assets/" + Uri.EscapeDataString(assetId) + (Blank(Purpose) is { } purpose ? "?purpose=" + Uri.EscapeDataString(purpose) : "");

    public IEnumerable<(string, string)> AreaOptions =>
        [("", "Any area"), .. FlexRegistry.Shared.DnoArea.All.Select(a => (a.DistributorId.ToString(CultureInfo.InvariantCulture), a.Name))];

    public string NextPageUrl => QueryString.Create(new Dictionary<string, string?>
    {
        ["type"] = Type,
        ["dnoArea"] = DnoArea,
        ["postcodeDistrict"] = PostcodeDistrict,
        ["minCapacityKw"] = MinCapacityKw,
        ["maxCapacityKw"] = MaxCapacityKw,
        ["purpose"] = Purpose,
        ["cursor"] = Results?.NextCursor,
    }.Where(p => !string.IsNullOrEmpty(p.Value))).ToUriComponent();

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var search = new AssetSearch(Type: Blank(Type), DnoArea: Blank(DnoArea), PostcodeDistrict: Blank(PostcodeDistrict),
            MinCapacityKw: Blank(MinCapacityKw), MaxCapacityKw: Blank(MaxCapacityKw), Purpose: Blank(Purpose), Cursor: Blank(Cursor), Limit: 50);
        if (await RunAsync(async () => Results = await assets.SearchAsync(search, Caller, ct)) is { } failed)
            return failed;
        if (Cursor is null)
            Areas = await assetsByArea.CountAsync(Caller, ct);
        return Page();
    }
}
