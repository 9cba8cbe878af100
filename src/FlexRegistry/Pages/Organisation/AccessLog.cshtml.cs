using FlexRegistry.AccessLog;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using FlexRegistry.Visibility;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Organisation;

/// <summary>
/// Who read your organisation's data — its assets and its commercial information — when, for what purpose, which
/// field groups (BUC.2 step 6, BUC.4 step 6): <c>GET /api/v1/participants/{id}/access-log</c>,
/// <see cref="AccessLogQueries"/>; and whether you are told of reads (<c>asset.accessed</c>, step 6a,
/// <see cref="AccessNotifications"/>; changing it needs <c>participants:manage</c>, as in the API).
/// </summary>
[Authorize(Policy = PagePolicies.ParticipantRead)]
public sealed class AccessLogModel(AccessLogQueries log, AccessNotifications notifications) : RegistryPage
{
    public override string Title => "Who read your data";

    public IReadOnlyList<AccessLogEntryResponse> Entries { get; private set; } = [];
    public string? NextCursor { get; private set; }
    public AccessNotificationsResponse? Notifications { get; private set; }
    public bool Saved { get; private set; }

    [BindProperty(SupportsGet = true, Name = "reader")] public string? Reader { get; set; }
    [BindProperty(SupportsGet = true, Name = "from")] public string? From { get; set; }
    [BindProperty(SupportsGet = true, Name = "to")] public string? To { get; set; }
    [BindProperty(SupportsGet = true, Name = "purpose")] public string? Purpose { get; set; }
    [BindProperty(SupportsGet = true, Name = "cursor")] public string? Cursor { get; set; }
    [BindProperty(Name = "allAssets")] public string? AllAssets { get; set; }

    public bool MayManage => Holds(Scopes.ParticipantManage);

    public static IEnumerable<(string, string)> PurposeOptions => [("", "Any"), .. Purposes.All.Select(p => (p.Code, p.Name))];

    public async Task OnGetAsync(bool saved, CancellationToken ct)
    {
        Saved = saved;
        await LoadAsync(ct);
    }

    public async Task<IActionResult> OnPostNotificationsAsync(CancellationToken ct)
    {
        if (await RequirePolicyAsync(PagePolicies.ParticipantManage) is { } refused)
            return refused;
        var request = new AccessNotificationsRequest { AllAssets = AllAssets == "true", AssetIds = AllAssets == "true" ? null : [] };
        if (await RunAsync(() => notifications.PutAsync(Caller.ParticipantId, request, Caller, ct)) is not { } failed)
            return Redirect("/organisation/access-log?saved=true");
        await LoadAsync(ct);
        return failed;
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        try
        {
            var page = await log.ForParticipantAsync(Caller.ParticipantId, new AccessLogFilter(Blank(Reader), Blank(From), Blank(To), Blank(Purpose), Blank(Cursor), 50),
                Caller, ct);
            (Entries, NextCursor) = (page.Items, page.NextCursor);
        }
        catch (RequestValidationException e)
        {
            AddErrors(e.Errors);
        }
        Notifications = await notifications.GetAsync(Caller.ParticipantId, Caller, ct);
    }
}
