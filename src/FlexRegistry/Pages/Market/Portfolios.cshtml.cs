using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using Microsoft.AspNetCore.Authorization;

namespace FlexRegistry.Pages.Market;

/// <summary>Your portfolios with their aggregate capacity (<c>GET /api/v1/portfolios</c>, <see cref="PortfolioQueries"/>).</summary>
[Authorize(Policy = PagePolicies.AssetsRead)]
public sealed class PortfoliosModel(PortfolioQueries portfolios) : RegistryPage
{
    public override string Title => "Portfolios";

    public IReadOnlyList<PortfolioResponse> Portfolios { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => Portfolios = (await portfolios.ListAsync(null, 100, Caller, ct)).Items;
}
