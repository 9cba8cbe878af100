using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Webhooks;

/// <summary>Webhook subscriptions (<c>/api/v1/subscriptions</c>, <see cref="ManageSubscriptions"/>): list and create.</summary>
[Authorize(Policy = PagePolicies.SubscriptionsManage)]
public sealed class WebhooksModel(ManageSubscriptions subscriptions) : RegistryPage
{
    public override string Title => "Webhooks";

    public IReadOnlyList<SubscriptionResponse> Subscriptions { get; private set; } = [];
    public SubscriptionSecretResponse? Created { get; private set; }
    public string? ReceiverUrl { get; private set; }
    public IReadOnlyList<string> Types { get; private set; } = [];

    public IEnumerable<(string, string)> TypeOptions => EventTypes.All.Select(t => (t, t));

    public async Task OnGetAsync(CancellationToken ct) =>
        Subscriptions = (await subscriptions.ListAsync(null, 200, Caller, ct)).Items;

    public async Task<IActionResult> OnPostAsync(string? url, List<string>? types, CancellationToken ct)
    {
        (ReceiverUrl, Types) = (url, types ?? []);
        if (await RunAsync(async () => Created = await subscriptions.CreateAsync(new CreateSubscriptionRequest { Url = url, Types = types ?? [] }, Caller, ct)) is null)
            (ReceiverUrl, Types) = (null, []);
        await OnGetAsync(ct);
        return Page();
    }
}
