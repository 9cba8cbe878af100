using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using Microsoft.AspNetCore.Authorization;

namespace FlexRegistry.Pages;

/// <summary>Where a signed-in person lands when a page's policy refuses them (the cookie handler's access-denied path).</summary>
[Authorize(Policy = Policies.Anyone)]
public sealed class ForbiddenModel : RegistryPage
{
    public override string Title => "You do not have permission to see this page";

    public bool NeedsSecondFactor => User.HasClaim(PeopleSignIn.SecondFactorRequiredClaim, "true");

    public bool Unbound => Person is not null && !User.HasClaim(c => c.Type == Caller.ParticipantClaim) && !NeedsSecondFactor;

    public void OnGet() => Response.StatusCode = StatusCodes.Status403Forbidden;
}
