using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Events;
using FlexRegistry.Participants;
using Microsoft.AspNetCore.Authorization;

namespace FlexRegistry.Pages;

/// <summary>The organisation's notices and tasks (BUC.4 step 7: <c>GET /api/v1/notices</c>) and its assets by area.</summary>
[Authorize(Policy = PagePolicies.Participant)]
public sealed class DashboardModel(Notices notices, ParticipantQueries participants, AssetsByArea assetsByArea) : RegistryPage
{
    public override string Title => "Dashboard";

    public IReadOnlyList<NoticeResponse> Notices { get; private set; } = [];
    public ParticipantResponse? Organisation { get; private set; }
    public AreaCounts? Areas { get; private set; }

    public async Task OnGetAsync(CancellationToken ct)
    {
        var caller = Caller;
        Organisation = await LoadAsync(() => participants.GetAsync(caller.ParticipantId, caller, ct));
        if (caller.Scopes.Contains(Scopes.ParticipantRead))
            Notices = await notices.ListAsync(caller, ct);
        if (caller.Scopes.Contains(Scopes.AssetsRead))
            Areas = await assetsByArea.CountAsync(caller, ct);
    }

    /// <summary>The page that resolves a notice (the notice names its API resource).</summary>
    public static string PageFor(NoticeResponse notice)
    {
        ArgumentNullException.ThrowIfNull(notice);
        return notice.Resource.StartsWith("/api/v1/duplicate-cases/", StringComparison.Ordinal)
            ? "/duplicates/" + notice.Resource["/api/v1/duplicate-cases/".Length..]
            : "/dashboard";
    }
}
