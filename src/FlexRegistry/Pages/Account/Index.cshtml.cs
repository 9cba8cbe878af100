using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Persistence;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;

namespace FlexRegistry.Pages.Account;

/// <summary>The signed-in person's own account: how they sign in, passkeys, authenticator, sessions.</summary>
[Authorize(Policy = Policies.SignedIn)]
public sealed class AccountModel(UserManager<WebAccount> accounts, RegistryDbContext db) : RegistryPage
{
    public override string Title => "Your account";

    public bool LocalAccount => Person?.Issuer == WebAccount.Issuer;
    public bool TwoFactor { get; private set; }
    public int Passkeys { get; private set; }
    public string? Message { get; private set; }

    public async Task OnGetAsync(string? done)
    {
        Message = done == "passkey" ? "Your passkey has been added" : null;
        if (LocalAccount && await accounts.FindByIdAsync(Person!.Subject) is { } account)
        {
            TwoFactor = await accounts.GetTwoFactorEnabledAsync(account);
            Passkeys = (await accounts.GetPasskeysAsync(account)).Count;
        }
    }

    /// <summary>Adding a passkey, step 1 (script): the WebAuthn creation options for this account.</summary>
    public async Task<IActionResult> OnPostPasskeyOptionsAsync([FromServices] SignInManager<WebAccount> signIn)
    {
        if (!LocalAccount || await accounts.FindByIdAsync(Person!.Subject) is not { } account)
            return NotFound();
        var options = await signIn.MakePasskeyCreationOptionsAsync(new PasskeyUserEntity { Id = account.Id, Name = account.UserName!, DisplayName = account.Email! });
        return Content(options, "application/json");
    }

    /// <summary>Adding a passkey, step 2: the browser's attestation is verified and the passkey stored.</summary>
    public async Task<IActionResult> OnPostPasskeyAsync(string? credential, [FromServices] SignInManager<WebAccount> signIn)
    {
        if (!LocalAccount || await accounts.FindByIdAsync(Person!.Subject) is not { } account || string.IsNullOrEmpty(credential))
            return NotFound();
        var attestation = await signIn.PerformPasskeyAttestationAsync(credential);
        if (!attestation.Succeeded || attestation.UserEntity.Id != account.Id)
        {
            AddError("", "auth.passkey_failed", "The passkey could not be added. Try again");
            await OnGetAsync(null);
            return Page();
        }
        var added = await accounts.AddOrUpdatePasskeyAsync(account, attestation.Passkey);
        if (!added.Succeeded)
        {
            AddError("", "auth.passkey_failed", "The passkey could not be added. Try again");
            await OnGetAsync(null);
            return Page();
        }
        return Redirect("/account?done=passkey");
    }

    /// <summary>Deletes every session of this identity; the person is signed out here too.</summary>
    public async Task<IActionResult> OnPostEndSessionsAsync(CancellationToken ct)
    {
        var key = Person!.Key;
        await db.WebSessions.Where(s => s.Subject == key).ExecuteDeleteAsync(ct);
        await HttpContext.SignOutAsync(PeopleSignIn.Scheme);
        return RedirectToPage("/SignOut");
    }
}
