using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Onboarding;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;

namespace FlexRegistry.Pages.Onboarding;

/// <summary>
/// Published markets, public to every participant (<c>GET /api/v1/markets</c>, the same <see cref="MarketQueries"/>):
/// by status and area served; market and system operators publish from here.
/// </summary>
[Authorize(Policy = PagePolicies.Participant)]
public sealed class MarketsModel(MarketQueries markets) : RegistryPage
{
    public override string Title => "Markets";

    public IReadOnlyList<MarketResponse> Markets { get; private set; } = [];
    public string? Status { get; private set; }
    public string? GspGroup { get; private set; }
    public bool Mine { get; private set; }

    public bool MayPublish => Holds(Scopes.ProductsManage);

    public static IEnumerable<(string, string)> StatusOptions => [("", "Any"), ("open", "Open to applications"), ("closed", "Closed")];
    public static IEnumerable<(string, string)> AreaOptions => [("", "Anywhere in GB"), .. DnoArea.All.Select(a => (a.GspGroup, $"{a.Name} ({a.GspGroup})"))];

    public async Task OnGetAsync(string? status, string? gspGroup, bool mine, CancellationToken ct)
    {
        (Status, GspGroup, Mine) = (Blank(status), Blank(gspGroup), mine);
        try
        {
            Markets = (await markets.ListAsync(Mine ? Caller.ParticipantId.Value : null, Status, GspGroup, null, 100, ct)).Items;
        }
        catch (RequestValidationException e)
        {
            AddErrors(e.Errors);
        }
    }
}
