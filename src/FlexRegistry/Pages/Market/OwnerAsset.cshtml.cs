using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Market;

/// <summary>
/// One asset in the owner's view (seed 003): who operates it for what since when and on which consent, its portfolios
/// and products, conflicts and readers; the owner withdraws consent for a claim (<c>GET /api/v1/owner-view/assets/{id}</c>,
/// <c>POST …/claims/{claimId}/withdraw-consent</c>, <see cref="OwnerView"/>).
/// </summary>
[Authorize(Policy = PagePolicies.OwnerView)]
public sealed class OwnerAssetModel(OwnerView view) : RegistryPage
{
    public override string Title => "Who represents this asset";

    public OwnerViewResponse? View { get; private set; }
    public bool Withdrawn { get; private set; }

    [BindProperty(Name = "reason")] public string? Reason { get; set; }

    public async Task<IActionResult> OnGetAsync(string id, bool withdrawn, CancellationToken ct)
    {
        Withdrawn = withdrawn;
        return await LoadViewAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostWithdrawAsync(string id, string? claimId, CancellationToken ct)
    {
        if (await RunAsync(() => view.WithdrawConsentAsync(OwnerAsset(id), OperatorClaimQueries.ParseId(claimId ?? ""),
                new WithdrawConsentRequest { Reason = Blank(Reason) }, OwnerViewer.From(User), ct)) is { } failed)
            return await LoadViewAsync(id, ct) ? failed : NotFound();
        return Redirect($"/owner/{id}?withdrawn=true");
    }

    private async Task<bool> LoadViewAsync(string id, CancellationToken ct)
    {
        View = await LoadAsync(() => view.GetAsync(OwnerAsset(id), OwnerViewer.From(User), ct));
        return View is not null;
    }

    private static AssetId OwnerAsset(string id) =>
        AssetId.TryParse(id, out var asset) ? asset : throw new DomainRuleException(MarketErrors.OwnerAssetNotFound, "No such asset in your view.");
}
