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

    [BindProperty(Name = "assetId")] public string? DetectAsset { get; set; }
    [BindProperty(Name = "portfolioId")] public string? DetectPortfolio { get; set; }
    [BindProperty(Name = "productId")] public string? DetectProduct { get; set; }

    /// <summary>The outcome of "detect now": the scope's open conflicts are then the ones listed.</summary>
    public DetectConflictsResponse? Detected { get; private set; }

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

    /// <summary>Detection on demand over one asset, portfolio or product (<c>POST /api/v1/conflicts/detect</c>, the same <see cref="ConflictRegister.DetectAsync"/>).</summary>
    public async Task<IActionResult> OnPostDetectAsync(CancellationToken ct)
    {
        var request = new DetectConflictsRequest { AssetId = Blank(DetectAsset), PortfolioId = Blank(DetectPortfolio), ProductId = Blank(DetectProduct) };
        var field = request.AssetId is not null ? "assetId" : request.PortfolioId is not null ? "portfolioId" : "productId";
        var failed = await RunAsync(async () => Detected = await register.DetectAsync(request, Caller, ct), notFoundField: field);
        if (Detected is not null)
            Conflicts = Detected.Conflicts;
        return failed ?? Page();
    }
}
