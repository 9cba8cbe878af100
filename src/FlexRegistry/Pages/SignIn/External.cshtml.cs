using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FlexRegistry.Pages.SignIn;

/// <summary>
/// Starts sign-in at an organisation's OpenID provider (authorization code flow with PKCE). A link, not a form: the
/// provider is another origin, which the Content-Security-Policy's form-action does not allow forms to reach.
/// </summary>
[Authorize(Policy = Policies.Anyone)]
[EnableRateLimiting(RateLimiting.SignIn)]
public sealed class ExternalSignInModel(ExternalIssuerRegistry issuers) : RegistryPage
{
    public const string InvitationItem = "invitation";

    public override string Title => "Sign in";

    public IActionResult OnGet(string scheme, string? returnUrl, string? invitation)
    {
        if (!PeopleSignIn.ExternalProviders(issuers.All).Any(p => p.Scheme == scheme))
            return NotFound();
        var properties = new AuthenticationProperties { RedirectUri = "/signin/external/callback" };
        properties.Items["returnUrl"] = SafeReturnUrl(returnUrl);
        if (!string.IsNullOrEmpty(invitation))
            properties.Items[InvitationItem] = invitation;
        return Challenge(properties, scheme);
    }
}
