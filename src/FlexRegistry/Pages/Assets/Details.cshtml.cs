using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Assets;

/// <summary>
/// One asset with the provenance of each field group: <c>GET /api/v1/assets/{id}</c>'s use case, so a reader who is not
/// a party is counted in the asset's access log exactly as through the API, and an asset you may not see is a 404.
/// </summary>
[Authorize(Policy = PagePolicies.AssetsRead)]
public sealed class AssetDetailsModel(AssetQueries assets) : RegistryPage
{
    public override string Title => Asset?.AssetId ?? "Asset";

    public AssetResponse? Asset { get; private set; }
    public bool JustRegistered { get; private set; }

    public IEnumerable<(string, string?)> Rows
    {
        get
        {
            var a = Asset!;
            return new (string, string?)[]
            {
                ("MPAN", a.Mpan), ("Export MPAN", a.ExportMpan), ("Manufacturer", a.Manufacturer), ("Model", a.Model), ("Serial number", a.SerialNumber),
                ("Address", a.Address is null ? null : string.Join(", ", new[] { a.Address.Line1, a.Address.Town, a.Address.Postcode }.Where(x => x is not null))),
                ("DNO licence area", a.DnoArea), ("GSP group", a.GspGroup),
                ("Import capacity", a.ImportCapacityKw is null ? null : $"{Pages.Shared.Govuk.Number(a.ImportCapacityKw)} kW"),
                ("Export capacity", a.ExportCapacityKw is null ? null : $"{Pages.Shared.Govuk.Number(a.ExportCapacityKw)} kW"),
                ("Storage capacity", a.StorageCapacityKwh is null ? null : $"{Pages.Shared.Govuk.Number(a.StorageCapacityKwh)} kWh"),
                ("Commissioned", a.CommissioningDate?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)),
                ("Owner's consent", a.OwnerConsent is null ? null : $"{a.OwnerConsent.Reference} ({a.OwnerConsent.Method})"),
                ("Market qualifications", a.MarketQualifications is { Count: > 0 } markets ? string.Join(", ", markets) : null),
                ("Not shown to you", a.WithheldGroups is { Count: > 0 } withheld ? string.Join(", ", withheld) : null),
            }.Where(r => r.Item2 is not null);
        }
    }

    public async Task<IActionResult> OnGetAsync(string id, string? purpose, bool registered, CancellationToken ct)
    {
        if (!AssetId.TryParse(id, out var assetId))
            return NotFound();
        var found = await LoadAsync(async () => (await assets.GetAsync(assetId, string.IsNullOrWhiteSpace(purpose) ? null : purpose, Caller, ct)).Response);
        if (found is null)
            return NotFound();
        Asset = found;
        JustRegistered = registered;
        return Page();
    }
}
