using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FlexRegistry.Pages.SignIn;

/// <summary>Sign in with a local account's password (then an authenticator code where required), or choose a provider.</summary>
[Authorize(Policy = Policies.Anyone)]
[EnableRateLimiting(RateLimiting.SignIn)]
public sealed class SignInModel(SignInManager<WebAccount> signIn, ExternalIssuerRegistry issuers) : RegistryPage
{
    public override string Title => "Sign in";

    public string? ReturnUrl { get; private set; }
    public string? Email { get; private set; }
    public IReadOnlyList<(string Scheme, string Name)> Providers => PeopleSignIn.ExternalProviders(issuers.All);

    public void OnGet(string? returnUrl) => ReturnUrl = SafeReturnUrl(returnUrl);

    public async Task<IActionResult> OnPostAsync(string? email, string? password, string? returnUrl)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        Email = email;
        if (string.IsNullOrWhiteSpace(email))
            AddError("email", "field.required", "Enter your email address");
        if (string.IsNullOrEmpty(password))
            AddError("password", "field.required", "Enter your password");
        if (Errors.Count > 0)
            return Page();
        var result = await signIn.PasswordSignInAsync(email!.Trim(), password!, isPersistent: false, lockoutOnFailure: true);
        if (result.Succeeded)
            return LocalRedirect(ReturnUrl);
        if (result.RequiresTwoFactor)
            return RedirectToPage("/SignIn/TwoFactor", new { returnUrl = ReturnUrl });
        if (result.IsLockedOut)
            AddError("email", "auth.locked_out", "There have been too many wrong passwords for this account. Try again in 15 minutes, or sign in with an emailed link");
        else
            // One answer for an unknown address and a wrong password: the form reveals nothing about who has an account.
            AddError("email", "auth.invalid_credentials", "The email address or password is not right");
        return Page();
    }

    /// <summary>Passkey sign-in, step 1 (script): the WebAuthn request options; the challenge is kept in a short-lived cookie.</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync() =>
        Content(await signIn.MakePasskeyRequestOptionsAsync(null), "application/json");

    /// <summary>
    /// Passkey sign-in, step 2: the browser's assertion. Passkeys require user verification (PIN or biometric on the
    /// device), so the session counts as two-factor, which registry-operator accounts need.
    /// </summary>
    public async Task<IActionResult> OnPostPasskeyAsync(string? credential, string? returnUrl, [FromServices] UserManager<WebAccount> accounts)
    {
        ReturnUrl = SafeReturnUrl(returnUrl);
        if (string.IsNullOrEmpty(credential))
            return BadRequest();
        var result = await signIn.PerformPasskeyAssertionAsync(credential);
        if (!result.Succeeded || await accounts.IsLockedOutAsync(result.User))
        {
            AddError("email", "auth.passkey_failed", "Your passkey could not be used. Sign in with your password instead");
            return Page();
        }
        await accounts.AddOrUpdatePasskeyAsync(result.User, result.Passkey);
        await signIn.SignInWithClaimsAsync(result.User, isPersistent: false, [new System.Security.Claims.Claim("amr", "mfa"), new System.Security.Claims.Claim("amr", "hwk")]);
        return LocalRedirect(ReturnUrl);
    }
}
