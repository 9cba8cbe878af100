using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Auth.Users;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Organisation;

/// <summary>BUC.4 step 4: the organisation's users and invitations (<c>/api/v1/participants/{id}/users</c>, <see cref="ManageUsers"/>).</summary>
[Authorize(Policy = PagePolicies.UsersManage)]
public sealed class OrganisationUsersModel(ManageUsers users, ParticipantQueries participants, WebLinks links) : RegistryPage
{
    public override string Title => "Users";

    public IReadOnlyList<UserResponse> Users { get; private set; } = [];
    public IReadOnlyList<string> Domains { get; private set; } = [];
    public IReadOnlyList<string> AllowedPermissions { get; private set; } = [];
    public InviteUserResponse? Invited { get; private set; }
    public string? InvitationLink => Invited is null ? null : links.To("/account/accept?token=" + Uri.EscapeDataString(Invited.InvitationToken)).ToString();
    public string? Name { get; private set; }
    public string? Email { get; private set; }
    public IReadOnlyList<string> Permissions { get; private set; } = [];

    public IEnumerable<(string, string)> PermissionOptions => AllowedPermissions.Select(p => (p, p));

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostInviteAsync(string? name, string? email, List<string>? permissions, CancellationToken ct)
    {
        (Name, Email, Permissions) = (name, email, permissions ?? []);
        if (await RunAsync(async () => Invited = await users.InviteAsync(Caller.ParticipantId,
                new InviteUserRequest { Name = name, Email = email, Permissions = permissions ?? [] }, Caller, ct)) is { } failed)
        {
            await LoadAsync(ct);
            return failed;
        }
        (Name, Email, Permissions) = (null, null, []);
        await LoadAsync(ct);
        return Page();
    }

    public Task<IActionResult> OnPostSuspendAsync(string userId, CancellationToken ct) =>
        ChangeAsync(() => users.SuspendAsync(Caller.ParticipantId, userId, Caller, ct), ct);

    public Task<IActionResult> OnPostReinstateAsync(string userId, CancellationToken ct) =>
        ChangeAsync(() => users.ReinstateAsync(Caller.ParticipantId, userId, Caller, ct), ct);

    private async Task<IActionResult> ChangeAsync(Func<Task> change, CancellationToken ct)
    {
        if (await RunAsync(change) is { } failed)
        {
            await LoadAsync(ct);
            return failed;
        }
        return RedirectToPage();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var caller = Caller;
        Users = (await users.ListAsync(caller.ParticipantId, caller, ct)).Items;
        Domains = [.. (await users.ListDomainsAsync(caller.ParticipantId, caller, ct)).Items.Select(d => d.Domain)];
        var me = await participants.GetAsync(caller.ParticipantId, caller, ct);
        AllowedPermissions = Scopes.AllowedFor(me.Roles);
    }
}
