using System.Security.Claims;
using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Participants;
using OpenIddict.Abstractions;

namespace FlexRegistry.Pages.Shared;

/// <summary>A link in the navigation.</summary>
public sealed record NavigationItem(string Href, string Text);

/// <summary>A section of the service: the header links to its first page; its pages are listed under the header while in it.</summary>
public sealed record NavigationSection(string Text, IReadOnlyList<NavigationItem> Items)
{
    public string Href => Items[0].Href;
}

/// <summary>
/// The service navigation, grouped into a few sections so that the header does not wrap however many pages a person
/// may use: only the pages the signed-in person's permissions open (the pages check again).
/// </summary>
public static class Navigation
{
    public static IReadOnlyList<NavigationSection> Sections(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        if (user.Identity?.IsAuthenticated != true || !user.HasClaim(c => c.Type == Caller.ParticipantClaim))
            return [];
        var sections = new List<NavigationSection>();
        void Add(string text, params (bool Shown, string Href, string Text)[] items)
        {
            var shown = items.Where(i => i.Shown).Select(i => new NavigationItem(i.Href, i.Text)).ToList();
            if (shown.Count > 0)
                sections.Add(new NavigationSection(text, shown));
        }
        var assetsRead = user.HasScope(Scopes.AssetsRead);
        var participantRead = user.HasScope(Scopes.ParticipantRead);
        Add("Dashboard", (true, "/dashboard", "Dashboard"));
        Add("Assets",
            (assetsRead, "/assets", "Assets"),
            (participantRead, "/duplicates", "Duplicate cases"),
            (assetsRead && user.IsInRole(ParticipantRole.FlexOwner), "/owner", "My assets' operators"));
        Add("Markets",
            (true, "/markets", "Markets"),
            (participantRead, "/onboardings", "Onboarding"),
            (true, "/products", "Products"),
            (assetsRead && user.HasScope(Scopes.ClaimsManage), "/portfolios", "Portfolios"),
            (assetsRead && user.HasScope(Scopes.ClaimsManage), "/claims", "Claims"),
            (user.HasScope(Scopes.ContractsManage), "/contracts", "Contracts"),
            (assetsRead, "/conflicts", "Conflicts"));
        Add("Organisation",
            (user.HasScope(Scopes.UsersManage), "/organisation", "Users and API clients"),
            (user.HasScope(Scopes.CommercialRead), "/organisation/commercial-information", "Commercial information"),
            (participantRead, "/organisation/grants", "Grants"),
            (participantRead, "/organisation/access-log", "Access log"),
            (user.HasScope(Scopes.SubscriptionsManage), "/webhooks", "Webhooks"),
            (participantRead, "/directory", "Directory"));
        var registryOperator = user.IsInRole(ParticipantRole.RegistryOperator) && user.HasScope(Scopes.RegistryAdmin);
        Add("Registry operator",
            (registryOperator, "/operator/participants", "Verification"),
            (registryOperator, "/operator/audit", "Audit"));
        return sections;
    }

    /// <summary>The page the path is in: the longest matching one (<c>/organisation/grants</c> is Grants, not Users).</summary>
    public static string? Current(IReadOnlyList<NavigationSection> sections, string path) =>
        sections.SelectMany(s => s.Items).Select(i => i.Href)
            .Where(h => path == h || path.StartsWith(h + "/", StringComparison.Ordinal)).MaxBy(h => h.Length);

    /// <summary>The section holding the current page, if any.</summary>
    public static NavigationSection? CurrentSection(IReadOnlyList<NavigationSection> sections, string? currentHref) =>
        currentHref is null ? null : sections.FirstOrDefault(s => s.Items.Any(i => i.Href == currentHref));

    public static bool SignedIn(ClaimsPrincipal user) => PersonIdentity.From(user) is not null;

    public static string? Name(ClaimsPrincipal user) => user?.FindFirst(RegistryUserClaims.NameClaim)?.Value;
}
