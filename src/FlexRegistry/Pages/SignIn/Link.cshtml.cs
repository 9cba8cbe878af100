using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Shared;
using FlexRegistry.Shared.Mail;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FlexRegistry.Pages.SignIn;

/// <summary>Asks for an emailed one-time sign-in link. The answer is the same whether or not the address has an account.</summary>
[Authorize(Policy = Policies.Anyone)]
[EnableRateLimiting(RateLimiting.SignIn)]
public sealed class SignInLinkModel(UserManager<WebAccount> accounts, Emails emails, WebLinks links) : RegistryPage
{
    public const string Purpose = "sign-in-link";

    public override string Title => "Sign in with a link sent by email";

    public string? Email { get; private set; }
    public bool Sent { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(string? email, CancellationToken ct)
    {
        Email = email;
        if (!FlexRegistry.Shared.Email.TryParse(email, out var address))
        {
            AddError("email", "field.invalid_email", "Enter an email address in the correct format, like name@example.com");
            return Page();
        }
        var account = await accounts.FindByEmailAsync(address.Value);
        if (account is not null && !await accounts.IsLockedOutAsync(account))
        {
            var token = await accounts.GenerateUserTokenAsync(account, TokenOptions.DefaultProvider, Purpose);
            var link = links.To($"/signin/link/continue?account={Uri.EscapeDataString(account.Id)}&token={Uri.EscapeDataString(token)}");
            await emails.TrySendAsync(account.Email!, "Your FlexRegistry sign-in link",
                $"""
                Open this link to sign in to FlexRegistry:
                {link}

                The link works once, for 15 minutes. If you did not ask for it, you can ignore this email: nobody can use it without access to your mailbox.
                """, ct);
        }
        Sent = true;
        return Page();
    }
}
