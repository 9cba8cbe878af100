using FlexRegistry.Client.Contracts;
using FlexRegistry.Onboarding;
using FlexRegistry.Pages.Shared;
using Microsoft.AspNetCore.Html;

namespace FlexRegistry.Pages.Onboarding;

/// <summary>How onboarding statuses read in the pages: the GOV.UK task list's statuses, from the side that must act.</summary>
public static class OnboardingDisplay
{
    /// <summary>
    /// A request's status in the task list. For the provider, "to do" is an open or returned request; for the operator,
    /// an answered one. Done (accepted) is plain text, as the task list pattern has it.
    /// </summary>
    public static IHtmlContent TaskStatus(OnboardingRequestResponse request, bool provider)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.Status switch
        {
            OnboardingRequest.Accepted => new HtmlString("Accepted"),
            OnboardingRequest.Answered => provider ? Govuk.Tag("Waiting for review", "grey") : Govuk.Tag("Review the answer", "blue"),
            OnboardingRequest.Returned => provider ? Govuk.Tag("Returned: answer again", "red") : Govuk.Tag("Returned", "grey"),
            _ => provider ? Govuk.Tag("To do", "blue") : Govuk.Tag("Waiting for the provider", "grey"),
        };
    }

    public static string KindName(string kind) => kind switch
    {
        "missing-field" => "Missing information",
        OnboardingRequest.Document => "Document",
        "bank-details" => "Bank details",
        "technical-test" => "Technical test",
        "agreement" => "Agreement",
        _ => kind,
    };

    public static IEnumerable<(string, string)> KindOptions => [("", "Choose what to ask for"), .. OnboardingRequest.Kinds.Select(k => (k, KindName(k)))];

    /// <summary>Market names for a list of onboardings (markets are public to every participant).</summary>
    public static async Task<Dictionary<string, string>> MarketNamesAsync(MarketQueries markets, IEnumerable<string> marketIds, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(markets);
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var id in marketIds.Distinct(StringComparer.Ordinal))
            names[id] = (await markets.LoadAsync(MarketQueries.ParseId(id), ct)).Name;
        return names;
    }
}
