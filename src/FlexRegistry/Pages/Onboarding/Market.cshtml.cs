using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Onboarding;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Onboarding;

/// <summary>
/// One market and its onboarding requirements (<c>GET /api/v1/markets/{id}</c>); a provider applies to join it
/// (<c>POST /api/v1/markets/{id}/onboardings</c>, <see cref="ManageOnboardings.ApplyAsync"/>, <c>participants:manage</c>);
/// its operator sees who has applied (<c>GET /api/v1/onboardings?market=</c>: only the caller's own onboardings).
/// </summary>
[Authorize(Policy = PagePolicies.Participant)]
public sealed class MarketModel(MarketQueries markets, OnboardingQueries onboardings, ManageOnboardings manage) : RegistryPage
{
    public override string Title => Market?.Name ?? "Market";

    public MarketResponse? Market { get; private set; }

    /// <summary>The caller's onboardings to this market: as its operator, every applicant's; as a provider, its own.</summary>
    public IReadOnlyList<OnboardingResponse> Onboardings { get; private set; } = [];
    public string? Done { get; private set; }

    [BindProperty(Name = "note")] public string? Note { get; set; }

    public bool IsOperator => Market?.OperatorId == Caller.ParticipantId.Value;

    /// <summary>Offers the change link and the close (or open) button where <c>PUT /api/v1/markets/{id}</c> would take them.</summary>
    public bool MayChange => Market is not null && Holds(Scopes.ProductsManage) && (IsOperator || Caller.IsRegistryOperator);

    /// <summary>The version read: the If-Match of the close or open button.</summary>
    public string? Version { get; private set; }

    public OnboardingResponse? Mine => Onboardings.FirstOrDefault(o => o.ParticipantId == Caller.ParticipantId.Value);

    /// <summary>Offers the application form where the use case would take it (it checks again, with the provider's status).</summary>
    public bool MayApply => Market is { Status: "open" } && !IsOperator && Holds(Scopes.ParticipantManage)
                            && Caller.Roles.Any(MarketInterests.ProviderRoles.Contains) && Mine is null or { Status: "returned" };

    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken ct)
    {
        Done = done switch
        {
            "published" => "Market published.",
            "changed" => "Market changed.",
            "closed" => "Market closed to applications.",
            "opened" => "Market open to applications.",
            _ => null,
        };
        return await LoadMarketAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostApplyAsync(string id, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ParticipantManage) is { } refused)
            return refused;
        OnboardingResponse? applied = null;
        if (await RunAsync(async () => applied = await manage.ApplyAsync(MarketQueries.ParseId(id), new ApplyToMarketRequest { Note = Blank(Note) }, Caller, ct)) is { } failed)
            return await LoadMarketAsync(id, ct) ? failed : NotFound();
        return Redirect($"/onboardings/{applied!.OnboardingId}?done=applied");
    }

    private async Task<bool> LoadMarketAsync(string id, CancellationToken ct)
    {
        var market = await LoadAsync(() => markets.LoadAsync(MarketQueries.ParseId(id), ct));
        if (market is null)
            return false;
        Market = market.ToResponse(MarketQueries.ProviderFields);
        Version = market.Version.ToString("N");
        if (Holds(Scopes.ParticipantRead))
            Onboardings = (await onboardings.ListAsync(Market.MarketId, null, null, null, 100, Caller, ct)).Items;
        return true;
    }
}
