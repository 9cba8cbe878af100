using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FlexRegistry.Pages.SignIn;

/// <summary>
/// The emailed link's landing page. Opening it (GET) signs nobody in, since mail scanners open links too: the person
/// presses Continue (POST), which spends the link: the account's security stamp changes, so the link never works again.
/// Accounts with a second factor (registry operator) cannot sign in with a link alone.
/// </summary>
[Authorize(Policy = Policies.Anyone)]
[EnableRateLimiting(RateLimiting.SignIn)]
public sealed class SignInLinkContinueModel(UserManager<WebAccount> accounts, SignInManager<WebAccount> signIn) : RegistryPage
{
    public override string Title => "Sign in to FlexRegistry";

    public string? Account { get; private set; }
    public string? Token { get; private set; }

    public void OnGet(string? account, string? token)
    {
        Account = account;
        Token = token;
        if (string.IsNullOrEmpty(account) || string.IsNullOrEmpty(token))
            AddError("", "auth.link_invalid", "This sign-in link is not complete. Copy the whole link from the email, or ask for a new one");
    }

    public async Task<IActionResult> OnPostAsync(string? account, string? token)
    {
        Account = account;
        Token = token;
        var found = string.IsNullOrEmpty(account) ? null : await accounts.FindByIdAsync(account);
        if (found is null || string.IsNullOrEmpty(token) || await accounts.IsLockedOutAsync(found)
            || !await accounts.VerifyUserTokenAsync(found, TokenOptions.DefaultProvider, SignInLinkModel.Purpose, token))
        {
            AddError("", "auth.link_invalid", "This sign-in link has expired or has already been used. Ask for a new one");
            return Page();
        }
        await accounts.UpdateSecurityStampAsync(found);
        if (await accounts.GetTwoFactorEnabledAsync(found))
        {
            AddError("", "auth.second_factor_required", "Your account needs a second factor: sign in with your password and authenticator code, or a passkey");
            return Page();
        }
        await signIn.SignInAsync(found, isPersistent: false, authenticationMethod: "email-link");
        return LocalRedirect("/dashboard");
    }
}
