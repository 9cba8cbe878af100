using System.Security.Claims;
using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Auth.Users;
using FlexRegistry.Client.Contracts;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.SignIn;

/// <summary>
/// Back from the provider: the proven identity (issuer, subject, email) starts a session. When the person came from an
/// invitation, it is accepted first with the same use case as <c>POST /api/v1/invitations/accept</c>.
/// </summary>
[Authorize(Policy = Policies.Anyone)]
public sealed class ExternalCallbackModel(AcceptInvitation accept) : RegistryPage
{
    public override string Title => "You could not be signed in";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        var result = await HttpContext.AuthenticateAsync(PeopleSignIn.ExternalScheme);
        var person = result.Succeeded ? PersonIdentity.From(result.Principal) : null;
        await HttpContext.SignOutAsync(PeopleSignIn.ExternalScheme);
        if (person is null)
        {
            AddError("", "auth.external_failed", "Your organisation's sign-in did not complete. Try again");
            return Page();
        }
        if (result.Properties!.Items.TryGetValue(ExternalSignInModel.InvitationItem, out var invitation) && invitation is not null)
        {
            var identity = new ExternalIdentity(person.Issuer, person.Subject, person.Email, result.Principal!.HasClaim(ExternalIssuers.EmailRequiredClaim, "true"));
            if (await RunAsync(() => accept.HandleAsync(new AcceptInvitationRequest { Token = invitation }, identity, ct)) is { } failed)
                return failed;
        }
        await HttpContext.SignInAsync(PeopleSignIn.Scheme, new ClaimsPrincipal(new ClaimsIdentity(person.Claims(), PeopleSignIn.Scheme)));
        return LocalRedirect(SafeReturnUrl(result.Properties.Items.TryGetValue("returnUrl", out var back) ? back : null));
    }
}
