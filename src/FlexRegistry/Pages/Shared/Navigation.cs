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
        items.Add(("/products", "Products"));
        if (user.HasScope(Scopes.AssetsRead) && user.HasScope(Scopes.ClaimsManage))
        {
            items.Add(("/portfolios", "Portfolios"));
            items.Add(("/claims", "Claims"));
        }
        if (user.HasScope(Scopes.ContractsManage))
            items.Add(("/contracts", "Contracts"));
        if (user.HasScope(Scopes.AssetsRead))
            items.Add(("/conflicts", "Conflicts"));
        if (user.HasScope(Scopes.AssetsRead) && user.IsInRole(ParticipantRole.FlexOwner))
            items.Add(("/owner", "My assets' operators"));
        if (user.HasScope(Scopes.ParticipantRead))
        {
            items.Add(("/organisation/grants", "Grants"));
            items.Add(("/organisation/access-log", "Access log"));
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

    /// <summary>The section the path is in: the longest matching one (<c>/organisation/grants</c> is Grants, not Organisation).</summary>
    public static string? Current(IReadOnlyList<(string Href, string Text)> sections, string path) =>
        sections.Select(s => s.Href).Where(h => path == h || path.StartsWith(h + "/", StringComparison.Ordinal)).MaxBy(h => h.Length);

    public static bool SignedIn(ClaimsPrincipal user) => PersonIdentity.From(user) is not null;

    public static string? Name(ClaimsPrincipal user) => user?.FindFirst(RegistryUserClaims.NameClaim)?.Value;
}
