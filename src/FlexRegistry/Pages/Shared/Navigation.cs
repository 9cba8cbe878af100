using System.Security.Claims;
using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Participants;
using OpenIddict.Abstractions;

namespace FlexRegistry.Pages.Shared;

/// <summary>The service navigation: only the sections the signed-in person's permissions open (the pages check again).</summary>
public static class Navigation
{
    public static IReadOnlyList<(string Href, string Text)> For(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true || !user.HasClaim(c => c.Type == Caller.ParticipantClaim))
            return [];
        var items = new List<(string, string)> { ("/dashboard", "Dashboard") };
        if (user.HasScope(Scopes.AssetsRead))
            items.Add(("/assets", "Assets"));
        if (user.HasScope(Scopes.ParticipantRead))
        {
            items.Add(("/duplicates", "Duplicate cases"));
            items.Add(("/directory", "Directory"));
        }
        if (user.HasScope(Scopes.UsersManage))
            items.Add(("/organisation", "Organisation"));
        if (user.HasScope(Scopes.SubscriptionsManage))
            items.Add(("/webhooks", "Webhooks"));
        if (user.IsInRole(ParticipantRole.RegistryOperator) && user.HasScope(Scopes.RegistryAdmin))
        {
            items.Add(("/operator/participants", "Verification"));
            items.Add(("/operator/audit", "Audit"));
        }
        return items;
    }

    public static bool SignedIn(ClaimsPrincipal user) => PersonIdentity.From(user) is not null;

    public static string? Name(ClaimsPrincipal user) => user?.FindFirst(RegistryUserClaims.NameClaim)?.Value;
}
