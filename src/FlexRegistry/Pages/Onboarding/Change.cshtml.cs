using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Onboarding;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Onboarding;

/// <summary>
/// The market's operator (or the registry operator) changes it (<c>PUT /api/v1/markets/{id}</c>, the same
/// <see cref="PublishMarket.ChangeAsync"/>: every broken rule at once; the version read is the If-Match, so a change made
/// meanwhile is not overwritten), or closes it to applications and opens it again from the market's page: the same
/// change with only the status different.
/// </summary>
[Authorize(Policy = PagePolicies.ProductsManage)]
public sealed class ChangeModel(PublishMarket publish, MarketQueries markets, ProductQueries products) : MarketFormPage(products)
{
    public override string Title => $"Change {MarketName ?? "the market"}";

    public override string SubmitText => "Save the changes";

    public string? MarketId { get; private set; }
    public string? MarketName { get; private set; }

    /// <summary>The version the operator read: sent back as the If-Match of the change.</summary>
    [BindProperty(Name = "version")] public string? Version { get; set; }

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct)
    {
        var market = await LoadAsync(() => markets.LoadAsync(MarketQueries.ParseId(id), ct));
        if (market is null)
            return NotFound();
        if (market.OperatorId != Caller.ParticipantId && !Caller.IsRegistryOperator)
            return Forbid(PeopleSignIn.Scheme);
        Show(market, keepVersion: false);
        Fill(market.ToResponse(MarketQueries.ProviderFields));
        await LoadProductsAsync(market.OperatorId.Value, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string id, CancellationToken ct)
    {
        var (request, rows) = ReadForm();
        return await ChangeAsync(id, request, rows, "changed", ct);
    }

    /// <summary>Closes the market to applications (or opens it again): the market as it is, with the status changed.</summary>
    public async Task<IActionResult> OnPostStatusAsync(string id, string? status, CancellationToken ct)
    {
        var market = await LoadAsync(() => markets.LoadAsync(MarketQueries.ParseId(id), ct));
        if (market is null)
            return NotFound();
        var now = market.ToResponse(MarketQueries.ProviderFields);
        var request = new MarketRequest
        {
            Name = now.Name,
            Description = now.Description,
            Status = Blank(status),
            GspGroups = now.GspGroups,
            ProductIds = now.ProductIds,
            ContactEmail = now.ContactEmail,
            Requirements = new OnboardingRequirementsDto
            {
                CommercialSections = now.Requirements.CommercialSections,
                Documents = now.Requirements.Documents,
                Rules = now.Requirements.Rules,
            },
        };
        Fill(now);
        Status = Blank(status);
        return await ChangeAsync(id, request, [.. Enumerable.Range(0, now.Requirements.Documents.Count)], Blank(status) == PublishedMarket.Closed ? "closed" : "opened", ct);
    }

    private async Task<IActionResult> ChangeAsync(string id, MarketRequest request, List<int> rows, string done, CancellationToken ct)
    {
        var ifMatch = new IfMatch(AnyVersion: false, [($"\"{Version}\"", false)]);
        if (await RunAsync(() => publish.ChangeAsync(MarketQueries.ParseId(id), request, ifMatch, Caller, ct)) is not { } failed)
            return Redirect($"/markets/{id}?done={done}");
        // Another operator's market: refused as the API refuses it (403 market.not_operator), nothing changed.
        if (Errors.Any(e => e.Code == OnboardingErrors.MarketNotOperator.Code))
            return Forbid(PeopleSignIn.Scheme);
        MapErrorsToRows(rows);
        var market = await LoadAsync(() => markets.LoadAsync(MarketQueries.ParseId(id), ct));
        if (market is null)
            return NotFound();
        Show(market, keepVersion: true);
        await LoadProductsAsync(market.OperatorId.Value, ct);
        return failed;
    }

    private void Show(PublishedMarket market, bool keepVersion)
    {
        MarketId = market.Id.ToString();
        MarketName = market.Name;
        if (!keepVersion)
            Version = market.Version.ToString("N");
    }
}
