using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Market;

/// <summary>
/// A portfolio, its current members and their capacity; its owner adds and removes members
/// (<c>GET /api/v1/portfolios/{id}</c>, <c>…/members</c>, <c>POST …/members</c>, <c>POST …/members/remove</c>: the same
/// <see cref="PortfolioQueries"/> and <see cref="ChangePortfolioMembers"/>, so a portfolio you may not see is a 404 and
/// only its owner changes it).
/// </summary>
[Authorize(Policy = PagePolicies.AssetsRead)]
public sealed class PortfolioModel(PortfolioQueries portfolios, ChangePortfolioMembers members) : RegistryPage
{
    public override string Title => Portfolio?.Reference is { Length: > 0 } reference ? $"Portfolio {reference}" : "Portfolio";

    public PortfolioResponse? Portfolio { get; private set; }
    public IReadOnlyList<PortfolioMemberResponse> Members { get; private set; } = [];
    public string? Done { get; private set; }

    [BindProperty(Name = "members[0].assetId")] public string? MemberAssetId { get; set; }
    [BindProperty(Name = "members[0].capacityKw")] public string? MemberCapacityKw { get; set; }
    [BindProperty(Name = "from")] public string? From { get; set; }

    /// <summary>Only the portfolio's owner changes its members; the use case refuses anyone else.</summary>
    public bool MayChange => Portfolio is { } p && p.OwnerId == Caller.ParticipantId.Value && Holds(Scopes.AssetsWrite);

    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken ct)
    {
        Done = done;
        return await LoadPortfolioAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostAddAsync(string id, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.AssetsWrite) is { } refused)
            return refused;
        var request = new AddPortfolioMembersRequest
        {
            Members = [new PortfolioMemberDto { AssetId = Blank(MemberAssetId), CapacityKw = Number("members[0].capacityKw", MemberCapacityKw) }],
            From = Day("from", From),
        };
        if (Errors.Count > 0)
            return await LoadPortfolioAsync(id, ct) ? Page() : NotFound();
        if (await RunAsync(() => members.AddAsync(PortfolioQueries.ParseId(id), request, Caller, ct)) is { } failed)
            return await LoadPortfolioAsync(id, ct) ? failed : NotFound();
        return Redirect($"/portfolios/{id}?done=added");
    }

    public async Task<IActionResult> OnPostRemoveAsync(string id, string? assetId, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.AssetsWrite) is { } refused)
            return refused;
        if (await RunAsync(() => members.RemoveAsync(PortfolioQueries.ParseId(id), new RemovePortfolioMembersRequest { AssetIds = [assetId ?? ""] }, Caller, ct)) is { } failed)
            return await LoadPortfolioAsync(id, ct) ? failed : NotFound();
        return Redirect($"/portfolios/{id}?done=removed");
    }

    private async Task<bool> LoadPortfolioAsync(string id, CancellationToken ct)
    {
        var portfolioId = default(AssetId);
        if (await LoadAsync(() => portfolios.GetAsync(portfolioId = PortfolioQueries.ParseId(id), Caller, ct)) is not { } found)
            return false;
        Portfolio = found;
        Members = (await portfolios.MembersAsync(portfolioId, null, false, null, 100, Caller, ct)).Items;
        return true;
    }
}
