using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Onboarding;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;

namespace FlexRegistry.Pages.Onboarding;

/// <summary>
/// The person's onboardings, as provider (its status per market) and as market operator (who applied), from the same
/// <see cref="OnboardingQueries.ListAsync"/> as <c>GET /api/v1/onboardings</c>: nobody else's.
/// </summary>
[Authorize(Policy = PagePolicies.ParticipantRead)]
public sealed class OnboardingsModel(OnboardingQueries onboardings, MarketQueries markets) : RegistryPage
{
    public override string Title => "Onboarding";

    public IReadOnlyList<OnboardingResponse> AsProvider { get; private set; } = [];
    public IReadOnlyList<OnboardingResponse> AsOperator { get; private set; } = [];
    public IReadOnlyDictionary<string, string> MarketNames { get; private set; } = new Dictionary<string, string>();
    public string? Status { get; private set; }

    public static IEnumerable<(string, string)> StatusOptions =>
    [
        ("", "Any"), (MarketOnboarding.Requested, "Applied"), (MarketOnboarding.InProgress, "In progress"), (MarketOnboarding.Onboarded, "Onboarded"),
        (MarketOnboarding.Returned, "Returned"),
    ];

    public async Task OnGetAsync(string? status, CancellationToken ct)
    {
        Status = Blank(status);
        try
        {
            var all = (await onboardings.ListAsync(null, null, Status, null, 100, Caller, ct)).Items;
            var me = Caller.ParticipantId.Value;
            AsProvider = [.. all.Where(o => o.ParticipantId == me)];
            AsOperator = [.. all.Where(o => o.OperatorId == me || (Caller.IsRegistryOperator && o.ParticipantId != me))];
            MarketNames = await OnboardingDisplay.MarketNamesAsync(markets, all.Select(o => o.MarketId), ct);
        }
        catch (RequestValidationException e)
        {
            AddErrors(e.Errors);
        }
    }
}
