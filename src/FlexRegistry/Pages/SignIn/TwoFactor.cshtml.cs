using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FlexRegistry.Pages.SignIn;

/// <summary>The second step of a password sign-in for accounts with a second factor: the authenticator (TOTP) code.</summary>
[Authorize(Policy = Policies.Anyone)]
[EnableRateLimiting(RateLimiting.SignIn)]
public sealed class TwoFactorModel(SignInManager<WebAccount> signIn) : RegistryPage
{
    public override string Title => "Enter the code from your authenticator app";

    public string? ReturnUrl { get; private set; }

    public async Task<IActionResult> OnGetAsync(string? returnUrl)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        return await signIn.GetTwoFactorAuthenticationUserAsync() is null ? RedirectToPage("/SignIn/Index") : Page();
    }

    public async Task<IActionResult> OnPostAsync(string? code, string? returnUrl)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        if (await signIn.GetTwoFactorAuthenticationUserAsync() is null)
            return RedirectToPage("/SignIn/Index");
        var digits = new string((code ?? "").Where(char.IsDigit).ToArray());
        if (digits.Length != 6)
        {
            AddError("code", "field.invalid", "Enter the 6-digit code from your authenticator app");
            return Page();
        }
        var result = await signIn.TwoFactorAuthenticatorSignInAsync(digits, isPersistent: false, rememberClient: false);
        if (result.Succeeded)
            return LocalRedirect(ReturnUrl);
        AddError("code", result.IsLockedOut ? "auth.locked_out" : "auth.invalid_code",
            result.IsLockedOut ? "There have been too many wrong codes. Try again in 15 minutes" : "The code is not right. Check your authenticator app and try again");
        return Page();
    }
}
