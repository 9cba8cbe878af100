using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Visibility;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Organisation;

/// <summary>
/// Data-sharing grants (BUC.4 step 4): the grants your organisation gave and holds; give one (a named participant or
/// every holder of a role, a part of your data, a purpose, an expiry) and revoke one with a reason
/// (<c>/api/v1/participants/{id}/data-sharing-grants</c>, <see cref="DataSharingGrants"/>: listing needs
/// <c>participants:read</c>, giving and revoking <c>participants:manage</c>, as in the API).
/// </summary>
[Authorize(Policy = PagePolicies.ParticipantRead)]
public sealed class GrantsModel(DataSharingGrants grants) : RegistryPage
{
    public override string Title => "Data-sharing grants";

    public IReadOnlyList<GrantResponse> Given { get; private set; } = [];
    public IReadOnlyList<GrantResponse> Received { get; private set; } = [];
    public string? Done { get; private set; }

    [BindProperty(Name = "granteeParticipantId")] public string? GranteeParticipantId { get; set; }
    [BindProperty(Name = "granteeRole")] public string? GranteeRole { get; set; }
    [BindProperty(Name = "part")] public string? Part { get; set; }
    [BindProperty(Name = "purpose")] public string? Purpose { get; set; }
    [BindProperty(Name = "assetIds")] public string? AssetIds { get; set; }
    [BindProperty(Name = "expiresAt")] public string? ExpiresAt { get; set; }
    [BindProperty(Name = "grantId")] public string? GrantId { get; set; }
    [BindProperty(Name = "reason")] public string? Reason { get; set; }

    public bool MayManage => Holds(Scopes.ParticipantManage);

    public static IEnumerable<(string, string)> RoleOptions => [("", "Or every holder of a role"), .. ParticipantRole.Requestable.Select(r => (r, r))];
    public static IEnumerable<(string, string)> PartOptions => [("", "Choose a part"), .. DataParts.All.Select(p => (p, p))];
    public static IEnumerable<(string, string)> PurposeOptions => [("", "Choose a purpose"), .. Purposes.All.Where(p => !p.RegistryOperatorOnly).Select(p => (p.Code, p.Name))];

    public async Task OnGetAsync(string? done, CancellationToken ct)
    {
        Done = done switch { "given" => "Grant given.", "revoked" => "Grant revoked: the grantee's next read no longer sees the data.", _ => null };
        await LoadGrantsAsync(ct);
    }

    public async Task<IActionResult> OnPostGiveAsync(CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ParticipantManage) is { } refused)
            return refused;
        var assets = Blank(AssetIds)?.Split([',', ' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var request = new GiveGrantRequest
        {
            GranteeParticipantId = Blank(GranteeParticipantId),
            GranteeRole = Blank(GranteeRole),
            Part = Blank(Part),
            Purpose = Blank(Purpose),
            AssetIds = assets,
            ExpiresAt = Day("expiresAt", ExpiresAt),
        };
        var failed = Errors.Count > 0 ? Page() : await RunAsync(() => grants.GiveAsync(Caller.ParticipantId, request, Caller, ct));
        if (failed is null)
            return Redirect("/organisation/grants?done=given");
        await LoadGrantsAsync(ct);
        return failed;
    }

    public async Task<IActionResult> OnPostRevokeAsync(CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ParticipantManage) is { } refused)
            return refused;
        var failed = await RunAsync(() => grants.RevokeAsync(Caller.ParticipantId, GrantId ?? "", new RevokeGrantRequest { Reason = Blank(Reason) }, Caller, ct),
            notFoundField: "grantId");
        if (failed is null)
            return Redirect("/organisation/grants?done=revoked");
        await LoadGrantsAsync(ct);
        return failed;
    }

    private async Task LoadGrantsAsync(CancellationToken ct)
    {
        Given = (await grants.ListAsync(Caller.ParticipantId, "given", false, Caller, ct)).Items;
        Received = (await grants.ListAsync(Caller.ParticipantId, "received", false, Caller, ct)).Items;
    }
}
