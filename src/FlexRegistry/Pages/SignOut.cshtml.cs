using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages;

/// <summary>Signing out deletes the server-side session, so the old cookie is worthless even if it was copied.</summary>
[Authorize(Policy = Policies.Anyone)]
public sealed class SignOutModel : RegistryPage
{
    public override string Title => "You have signed out";

    public IActionResult OnGet() => Page();

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(PeopleSignIn.Scheme);
        return RedirectToPage("/SignOut");
    }
}
