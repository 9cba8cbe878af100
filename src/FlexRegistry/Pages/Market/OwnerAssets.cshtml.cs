using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using Microsoft.AspNetCore.Authorization;

namespace FlexRegistry.Pages.Market;

/// <summary>
/// The flex owner's assets: who operates each, open conflicts (<c>GET /api/v1/owner-view/assets</c>, <see cref="OwnerView"/>).
/// For a registered flex owner (or the registry operator); a householder proves control through the API's owner access.
/// </summary>
[Authorize(Policy = PagePolicies.OwnerView)]
public sealed class OwnerAssetsModel(OwnerView view) : RegistryPage
{
    public override string Title => "Who represents my assets";

    public IReadOnlyList<OwnerAssetSummary> Assets { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Assets = await view.ListAsync(OwnerViewer.From(User), ct);
}
