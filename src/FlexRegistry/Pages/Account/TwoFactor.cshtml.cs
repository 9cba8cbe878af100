using System.Security.Claims;
using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace FlexRegistry.Pages.Account;

/// <summary>
/// Sets up the authenticator app (TOTP) of a local account, or completes a second factor for a session that lacks one;
/// either way the session is then re-issued as a two-factor one.
/// </summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class AccountTwoFactorModel(UserManager<WebAccount> accounts, SignInManager<WebAccount> signIn) : RegistryPage
{
    public override string Title => Enabled ? "Enter your authenticator code" : "Set up your authenticator app";

    public bool LocalAccount => Person?.Issuer == WebAccount.Issuer;
    public bool Enabled { get; private set; }
    public string? Key { get; private set; }

    public async Task<IActionResult> OnGetAsync()
    {
        if (await AccountAsync() is not { } account)
            return Page();
        Enabled = await accounts.GetTwoFactorEnabledAsync(account);
        if (!Enabled)
        {
            Key = await accounts.GetAuthenticatorKeyAsync(account);
            if (string.IsNullOrEmpty(Key))
            {
                await accounts.ResetAuthenticatorKeyAsync(account);
                Key = await accounts.GetAuthenticatorKeyAsync(account);
            }
        }
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(string? code)
    {
        if (await AccountAsync() is not { } account)
            return Page();
        Enabled = await accounts.GetTwoFactorEnabledAsync(account);
        var digits = new string((code ?? "").Where(char.IsDigit).ToArray());
        if (digits.Length != 6 || !await accounts.VerifyTwoFactorTokenAsync(account, accounts.Options.Tokens.AuthenticatorTokenProvider, digits))
        {
            Key = Enabled ? null : await accounts.GetAuthenticatorKeyAsync(account);
            AddError("code", "auth.invalid_code", "The code is not right. Check your authenticator app and try again");
            return Page();
        }
        if (!Enabled)
            await accounts.SetTwoFactorEnabledAsync(account, true);
        // A new session (new key) marked as two-factor; the one without the second factor is deleted.
        await signIn.SignOutAsync();
        await signIn.SignInWithClaimsAsync(account, isPersistent: false, [new Claim("amr", "mfa")]);
        return LocalRedirect("/dashboard");
    }

    private async Task<WebAccount?> AccountAsync() =>
        LocalAccount ? await accounts.FindByIdAsync(Person!.Subject) : null;
}
