using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Onboarding;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Onboarding;

/// <summary>
/// One onboarding, seen by its two sides only (<c>GET /api/v1/onboardings/{id}</c>; anyone else: 404). The provider
/// grants the operator what the market requires in one action (<c>POST …/grant</c>) and works through the requests as
/// a GOV.UK task list; the operator raises requests (<c>POST …/requests</c>), marks the provider onboarded
/// (<c>POST …/onboard</c>) or returns the application with a reason (<c>POST …/return</c>).
/// </summary>
[Authorize(Policy = PagePolicies.ParticipantRead)]
public sealed class OnboardingModel(OnboardingQueries onboardings, MarketQueries markets, ManageOnboardings manage, OnboardingRequests requests) : RegistryPage
{
    public override string Title => Market is null ? "Onboarding" : $"Onboarding to {Market.Name}";

    public OnboardingResponse? Onboarding { get; private set; }
    public MarketResponse? Market { get; private set; }
    public string? Done { get; private set; }

    [BindProperty(Name = "kind")] public string? Kind { get; set; }
    [BindProperty(Name = "description")] public string? Description { get; set; }
    [BindProperty(Name = "subject")] public string? Subject { get; set; }
    [BindProperty(Name = "reason")] public string? Reason { get; set; }

    /// <summary>The provider's side (a registry operator acting for it is too, as in the API).</summary>
    public bool IsProvider => Onboarding is { } o && (Caller.IsRegistryOperator || o.ParticipantId == Caller.ParticipantId.Value) && o.OperatorId != Caller.ParticipantId.Value;
    public bool IsOperator => Onboarding?.OperatorId == Caller.ParticipantId.Value;
    public bool IsOpen => Onboarding?.Status is MarketOnboarding.Requested or MarketOnboarding.InProgress;

    public bool MayGrant => IsProvider && Holds(Scopes.ParticipantManage) && Onboarding?.Status != MarketOnboarding.Returned && Market?.Requirements.CommercialSections.Count > 0;
    public bool MayDecide => IsOperator && IsOpen && Holds(Scopes.ProductsManage);
    public bool AllAccepted => Onboarding?.Requests.All(r => r.Status == OnboardingRequest.Accepted) == true;

    public async Task<IActionResult> OnGetAsync(string id, string? done, string? granted, CancellationToken ct)
    {
        Done = done switch
        {
            "applied" => "Application sent. The market's operator has been told.",
            "granted" => $"Granted the operator, for onboarding: {granted}.",
            "raised" => "Request sent to the provider.",
            "onboarded" => "The provider is onboarded to the market.",
            "returned" => "Application returned to the provider.",
            _ => null,
        };
        return await LoadOnboardingAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostGrantAsync(string id, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ParticipantManage) is { } refused)
            return refused;
        OnboardingGrantResponse? granted = null;
        if (await RunAsync(async () => granted = await manage.GrantAsync(OnboardingQueries.ParseId(id), Caller, ct)) is { } failed)
            return await LoadOnboardingAsync(id, ct) ? failed : NotFound();
        return Redirect($"/onboardings/{id}?done=granted&granted={Uri.EscapeDataString(string.Join(", ", granted!.Grants.Select(g => g.Part)))}");
    }

    public async Task<IActionResult> OnPostRaiseAsync(string id, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ProductsManage) is { } refused)
            return refused;
        var request = new RaiseOnboardingRequest { Kind = Blank(Kind), Description = Blank(Description), Subject = Blank(Subject) };
        if (await RunAsync(() => requests.RaiseAsync(OnboardingQueries.ParseId(id), request, Caller, ct)) is { } failed)
            return await LoadOnboardingAsync(id, ct) ? failed : NotFound();
        return Redirect($"/onboardings/{id}?done=raised");
    }

    public async Task<IActionResult> OnPostOnboardAsync(string id, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ProductsManage) is { } refused)
            return refused;
        if (await RunAsync(() => manage.OnboardAsync(OnboardingQueries.ParseId(id), Caller, ct)) is { } failed)
            return await LoadOnboardingAsync(id, ct) ? failed : NotFound();
        return Redirect($"/onboardings/{id}?done=onboarded");
    }

    public async Task<IActionResult> OnPostReturnAsync(string id, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ProductsManage) is { } refused)
            return refused;
        if (await RunAsync(() => manage.ReturnAsync(OnboardingQueries.ParseId(id), new ReasonRequest { Reason = Blank(Reason) }, Caller, ct)) is { } failed)
            return await LoadOnboardingAsync(id, ct) ? failed : NotFound();
        return Redirect($"/onboardings/{id}?done=returned");
    }

    private async Task<bool> LoadOnboardingAsync(string id, CancellationToken ct)
    {
        var loaded = await LoadAsync(async () => (await onboardings.GetAsync(OnboardingQueries.ParseId(id), Caller, ct)).Response);
        if (loaded is null)
            return false;
        Onboarding = loaded with { Requests = [.. loaded.Requests.OrderBy(r => r.RaisedAt)] };
        Market = (await markets.LoadAsync(MarketQueries.ParseId(loaded.MarketId), ct)).ToResponse(MarketQueries.ProviderFields);
        return true;
    }
}
