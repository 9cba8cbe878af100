using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Market;

/// <summary>
/// The conflict register (<c>GET /api/v1/conflicts</c>, <see cref="ConflictRegister"/>): the conflicts you are a party
/// to by asset, portfolio or product and status; the registry operator sees all. The other side's contract, portfolio,
/// seller and capacity stay hidden exactly as in the API.
/// </summary>
[Authorize(Policy = PagePolicies.AssetsRead)]
public sealed class ConflictsModel(ConflictRegister register) : RegistryPage
{
    public override string Title => "Conflicts";

    public IReadOnlyList<ConflictResponse> Conflicts { get; private set; } = [];

    [BindProperty(SupportsGet = true, Name = "asset")] public string? Asset { get; set; }
    [BindProperty(SupportsGet = true, Name = "portfolio")] public string? Portfolio { get; set; }
    [BindProperty(SupportsGet = true, Name = "product")] public string? Product { get; set; }
    [BindProperty(SupportsGet = true, Name = "status")] public string? Status { get; set; }

    public static IEnumerable<(string, string)> StatusOptions => [("open", "Open"), ("resolved", "Resolved"), ("cleared", "Cleared"), ("all", "All")];

    public async Task OnGetAsync(CancellationToken ct)
    {
        try
        {
            Conflicts = (await register.ListAsync(new ConflictRegister.Filters(Blank(Asset), Blank(Portfolio), Blank(Product), null, Blank(Status), null, 100),
                Caller, ct)).Items;
        }
        catch (RequestValidationException e)
        {
            AddErrors(e.Errors);
        }
    }
}
