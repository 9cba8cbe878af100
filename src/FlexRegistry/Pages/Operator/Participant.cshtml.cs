using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Operator;

/// <summary>
/// A participant as the registry operator sees it, and the operator's actions with a reason
/// (<c>POST /api/v1/participants/{id}/verify|reject|suspend|reinstate|deregister</c>, <see cref="ChangeParticipantStatus"/>).
/// </summary>
[Authorize(Policy = PagePolicies.RegistryOperator)]
public sealed class OperatorParticipantModel(ParticipantQueries participants, ChangeParticipantStatus change) : RegistryPage
{
    public override string Title => Participant?.LegalName ?? "Participant";

    public ParticipantResponse? Participant { get; private set; }
    public string? Action { get; private set; }
    public string? Reason { get; private set; }

    /// <summary>The actions the participant's status allows (the use case enforces the same transitions).</summary>
    public IReadOnlyList<string> Actions => Participant?.Status switch
    {
        "provisional" => ["verify", "reject"],
        "active" => ["suspend", "deregister"],
        "suspended" => ["reinstate", "deregister"],
        _ => [],
    };

    public async Task<IActionResult> OnGetAsync(string id, CancellationToken ct) =>
        await LoadParticipantAsync(id, ct) ? Page() : NotFound();

    public async Task<IActionResult> OnPostAsync(string id, string? action, string? reason, CancellationToken ct)
    {
        Action = action;
        Reason = reason;
        if (!await LoadParticipantAsync(id, ct))
            return NotFound();
        StatusAction? chosen = action switch
        {
            "verify" => StatusAction.Verify,
            "reject" => StatusAction.Reject,
            "suspend" => StatusAction.Suspend,
            "reinstate" => StatusAction.Reinstate,
            "deregister" => StatusAction.Deregister,
            _ => null,
        };
        if (chosen is null)
        {
            AddError("action", "field.required", "Choose an action");
            return Page();
        }
        if (await RunAsync(() => change.HandleAsync(ParticipantId.Parse(id), chosen.Value, new StatusActionRequest { Reason = reason }, Caller, ct)) is { } failed)
            return failed;
        return Redirect($"/operator/participants/{id}");
    }

    private async Task<bool> LoadParticipantAsync(string id, CancellationToken ct)
    {
        if (!ParticipantId.TryParse(id, out var participantId))
            return false;
        Participant = await LoadAsync(() => participants.GetAsync(participantId, Caller, ct));
        return Participant is not null;
    }
}
