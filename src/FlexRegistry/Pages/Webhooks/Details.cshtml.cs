using System.Globalization;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Webhooks;

/// <summary>One subscription: delivery status, dead letters, replay from a sequence, pause and resume (<see cref="ManageSubscriptions"/>).</summary>
[Authorize(Policy = PagePolicies.SubscriptionsManage)]
public sealed class WebhookModel(ManageSubscriptions subscriptions) : RegistryPage
{
    public override string Title => Subscription?.Url ?? "Webhook";

    public SubscriptionResponse? Subscription { get; private set; }
    public IReadOnlyList<DeadLetterResponse> DeadLetters { get; private set; } = [];
    public string? FromSequence { get; private set; }
    public string? Message { get; private set; }

    public async Task<IActionResult> OnGetAsync(string id, string? done, CancellationToken ct)
    {
        Message = done switch { "replay" => "Replay started", "pause" => "Delivery paused", "resume" => "Delivery resumed", _ => null };
        return await LoadSubscriptionAsync(id, ct) ? Page() : NotFound();
    }

    public async Task<IActionResult> OnPostReplayAsync(string id, string? fromSequence, CancellationToken ct)
    {
        FromSequence = fromSequence;
        long? from = null;
        if (!string.IsNullOrWhiteSpace(fromSequence))
        {
            if (long.TryParse(fromSequence, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed))
                from = parsed;
            else
                AddError("fromSequence", "field.invalid", "Enter the event number as a whole number, like 120");
        }
        if (Errors.Count == 0 && await RunAsync(() => subscriptions.ReplayAsync(id, new ReplayRequest { FromSequence = from }, Caller, ct)) is null)
            return Redirect($"/webhooks/{id}?done=replay");
        return await LoadSubscriptionAsync(id, ct) ? Page() : NotFound();
    }

    public Task<IActionResult> OnPostPauseAsync(string id, CancellationToken ct) => SetActiveAsync(id, false, ct);

    public Task<IActionResult> OnPostResumeAsync(string id, CancellationToken ct) => SetActiveAsync(id, true, ct);

    private async Task<IActionResult> SetActiveAsync(string id, bool active, CancellationToken ct)
    {
        if (await RunAsync(() => subscriptions.UpdateAsync(id, new UpdateSubscriptionRequest { Active = active }, Caller, ct)) is { } failed)
            return await LoadSubscriptionAsync(id, ct) ? failed : NotFound();
        return Redirect($"/webhooks/{id}?done={(active ? "resume" : "pause")}");
    }

    private async Task<bool> LoadSubscriptionAsync(string id, CancellationToken ct)
    {
        Subscription = await LoadAsync(() => subscriptions.GetAsync(id, Caller, ct));
        if (Subscription is null)
            return false;
        DeadLetters = (await subscriptions.DeadLettersAsync(id, null, 50, Caller, ct)).Items;
        return true;
    }
}
