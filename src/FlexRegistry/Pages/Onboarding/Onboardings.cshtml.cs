using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Onboarding;
using FlexRegistry.Participants;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Onboarding;

/// <summary>
/// The person's onboardings, as provider (its status per market) and as market operator (who applied), from the same
/// <see cref="OnboardingQueries.ListAsync"/> as <c>GET /api/v1/onboardings</c>: nobody else's; and the interest in markets
/// expressed and received (<c>GET /api/v1/participants/{id}/market-interests</c>); a provider withdraws its interest
/// (<c>DELETE …/market-interests/{interestId}</c>, the same <see cref="MarketInterests.WithdrawAsync"/>, <c>participants:manage</c>).
/// </summary>
[Authorize(Policy = PagePolicies.ParticipantRead)]
public sealed class OnboardingsModel(OnboardingQueries onboardings, MarketQueries markets, MarketInterests interests) : RegistryPage
{
    public override string Title => "Onboarding";

    public IReadOnlyList<OnboardingResponse> AsProvider { get; private set; } = [];
    public IReadOnlyList<OnboardingResponse> AsOperator { get; private set; } = [];
    /// <summary>Active interest in the person's markets (<c>GET …/market-interests?direction=received</c>): who hears of its changes.</summary>
    public IReadOnlyList<MarketInterestResponse> InterestReceived { get; private set; } = [];
    public IReadOnlyList<MarketInterestResponse> InterestGiven { get; private set; } = [];
    public IReadOnlyDictionary<string, string> MarketNames { get; private set; } = new Dictionary<string, string>();
    public string? Status { get; private set; }
    public string? Done { get; private set; }

    /// <summary>Offers the withdraw buttons where the API would take them (the use case checks again).</summary>
    public bool MayWithdraw => Holds(Scopes.ParticipantManage);

    public static IEnumerable<(string, string)> StatusOptions =>
    [
        ("", "Any"), (MarketOnboarding.Requested, "Applied"), (MarketOnboarding.InProgress, "In progress"), (MarketOnboarding.Onboarded, "Onboarded"),
        (MarketOnboarding.Returned, "Returned"),
    ];

    public async Task OnGetAsync(string? status, string? done, CancellationToken ct)
    {
        Done = done == "withdrawn" ? "Interest withdrawn: the market operator no longer hears of your changes through it." : null;
        await LoadAsync(status, ct);
    }

    public async Task<IActionResult> OnPostWithdrawAsync(string? interestId, CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ParticipantManage) is { } refused)
            return refused;
        if (await RunAsync(() => interests.WithdrawAsync(Caller.ParticipantId, interestId ?? "", Caller, ct)) is { } failed)
        {
            await LoadAsync(null, ct);
            return failed;
        }
        return Redirect("/onboardings?done=withdrawn");
    }

    private async Task LoadAsync(string? status, CancellationToken ct)
    {
        Status = Blank(status);
        try
        {
            var all = (await onboardings.ListAsync(null, null, Status, null, 100, Caller, ct)).Items;
            var me = Caller.ParticipantId.Value;
            AsProvider = [.. all.Where(o => o.ParticipantId == me)];
            AsOperator = [.. all.Where(o => o.OperatorId == me || (Caller.IsRegistryOperator && o.ParticipantId != me))];
            MarketNames = await OnboardingDisplay.MarketNamesAsync(markets, all.Select(o => o.MarketId), ct);
            InterestReceived = (await interests.ListAsync(Caller.ParticipantId, "received", false, Caller, ct)).Items;
            InterestGiven = (await interests.ListAsync(Caller.ParticipantId, "given", false, Caller, ct)).Items;
        }
        catch (RequestValidationException e)
        {
            AddErrors(e.Errors);
        }
    }
}
