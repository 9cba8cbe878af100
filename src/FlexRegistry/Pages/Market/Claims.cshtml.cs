using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Market;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Market;

/// <summary>
/// Operator claims (BUC.2 step 3): your claims, or the claims on an asset you are a party to; claim an asset for a
/// service class with the owner's consent; end your own claim (<c>/api/v1/operator-claims</c>: the same
/// <see cref="OperatorClaimQueries"/> and <see cref="ClaimAsset"/>, so the database's one-operator rule answers a
/// competing claim with the held claim's period).
/// </summary>
[Authorize(Policy = PagePolicies.AssetsRead)]
public sealed class ClaimsModel(OperatorClaimQueries claims, ClaimAsset claim) : RegistryPage
{
    public override string Title => "Operator claims";

    public IReadOnlyList<OperatorClaimResponse> Claims { get; private set; } = [];
    public string? Done { get; private set; }

    [BindProperty(SupportsGet = true, Name = "asset")] public string? Asset { get; set; }
    [BindProperty(Name = "assetId")] public string? AssetId { get; set; }
    [BindProperty(Name = "serviceClass")] public string? ServiceClass { get; set; }
    [BindProperty(Name = "from")] public string? From { get; set; }
    [BindProperty(Name = "to")] public string? To { get; set; }
    [BindProperty(Name = "consent.reference")] public string? ConsentReference { get; set; }
    [BindProperty(Name = "consent.method")] public string? ConsentMethod { get; set; }
    [BindProperty(Name = "consent.date")] public string? ConsentDate { get; set; }

    public bool MayClaim => Holds(Scopes.ClaimsManage);

    public static IEnumerable<(string, string)> ServiceClassOptions =>
        [("", "Choose a service class"), .. FlexRegistry.Market.ServiceClass.All.Select(c => (c.Code, c.Name))];

    public static IEnumerable<(string, string)> ConsentMethodOptions => [("", "Choose how"), .. ConsentEvidence.Methods.Select(m => (m, m))];

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Done = done switch { "claimed" => "Claim recorded.", "ended" => "Claim ended.", _ => null };
        await LoadClaimsAsync(ct);
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ClaimsManage) is { } refused)
            return refused;
        var request = new OperatorClaimRequest
        {
            AssetId = Blank(AssetId),
            ServiceClass = Blank(ServiceClass),
            From = Day("from", From),
            To = Day("to", To),
            Consent = new ConsentEvidenceDto { Reference = Blank(ConsentReference), Method = Blank(ConsentMethod), Date = Date("consent.date", ConsentDate) },
        };
        var failed = Errors.Count > 0 ? Page() : await RunAsync(() => claim.HandleAsync(request, null, Caller, ct), notFoundField: "assetId");
        if (failed is null)
            return Redirect("/claims?done=claimed");
        await LoadClaimsAsync(ct);
        return failed;
    }

    public async Task<IActionResult> OnPostEndAsync(string? claimId, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ClaimsManage) is { } refused)
            return refused;
        if (await RunAsync(() => claim.EndAsync(OperatorClaimQueries.ParseId(claimId ?? ""), new EndClaimRequest(), Caller, ct)) is not { } failed)
            return Redirect("/claims?done=ended");
        await LoadClaimsAsync(ct);
        return failed;
    }

    private async Task LoadClaimsAsync(CancellationToken ct)
    {
        try
        {
            Claims = (await claims.ListAsync(Blank(Asset), null, null, null, 100, Caller, ct)).Items;
        }
        catch (RequestValidationException e)
        {
            AddErrors(e.Errors);
        }
    }
}
