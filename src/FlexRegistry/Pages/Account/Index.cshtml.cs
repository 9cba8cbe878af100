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

    /// <summary>Deletes every session of this identity; the person is signed out here too.</summary>
    public async Task<IActionResult> OnPostEndSessionsAsync(CancellationToken ct)
    {
        var key = Person!.Key;
        await db.WebSessions.Where(s => s.Subject == key).ExecuteDeleteAsync(ct);
        await HttpContext.SignOutAsync(PeopleSignIn.Scheme);
        return RedirectToPage("/SignOut");
    }
}
