using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Onboarding;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Onboarding;

/// <summary>
/// BUC.4 step 3: a market or system operator publishes a market with its products, areas and onboarding requirements
/// (<c>POST /api/v1/markets</c>, the same <see cref="PublishMarket"/>: every broken rule at once, the name unique).
/// </summary>
[Authorize(Policy = PagePolicies.ProductsManage)]
public sealed class PublishModel(PublishMarket publish, ProductQueries products) : MarketFormPage(products)
{
    public override string Title => "Publish a market";

    public override string SubmitText => "Publish the market";

    public async Task OnGetAsync(CancellationToken ct) => await LoadProductsAsync(Caller.ParticipantId.Value, ct);

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        var (request, rows) = ReadForm();
        (MarketResponse Response, Guid Version)? published = null;
        if (await RunAsync(async () => published = await publish.CreateAsync(request, null, Caller, ct)) is { } failed)
        {
            MapErrorsToRows(rows);
            await LoadProductsAsync(Caller.ParticipantId.Value, ct);
            return failed;
        }
        return Redirect($"/markets/{published!.Value.Response.MarketId}?done=published");
    }
}
