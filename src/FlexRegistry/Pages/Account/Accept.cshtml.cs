using FlexRegistry.Auth;
using FlexRegistry.Auth.People;
using FlexRegistry.Auth.Users;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;

namespace FlexRegistry.Pages.Account;

/// <summary>
/// The invitation email's link. The invitee either signs in at their organisation's provider (the invitation travels
/// through the sign-in and is accepted on return) or creates a local account: a password now, then passkeys or an
/// authenticator app. Either way the same use case as the API's accept endpoint binds the identity to the user.
/// </summary>
[Authorize(Policy = Policies.Anyone)]
[EnableRateLimiting(RateLimiting.SignIn)]
public sealed class AcceptInvitationModel(AcceptInvitation accept, UserManager<WebAccount> accounts, SignInManager<WebAccount> signIn,
    ExternalIssuerRegistry issuers, TimeProvider time) : RegistryPage
{
    public override string Title => "Set up your account";

    public string? Token { get; private set; }
    public InvitationSummary? Invitation { get; private set; }
    public IReadOnlyList<(string Scheme, string Name)> Providers => PeopleSignIn.ExternalProviders(issuers.All);

    public async Task OnGetAsync(string? token, CancellationToken ct)
    {
        Token = token;
        Invitation = await accept.DescribeAsync(token, ct);
    }

    public async Task<IActionResult> OnPostAsync(string? token, string? password, string? confirmPassword, CancellationToken ct)
    {
        Token = token;
        Invitation = await accept.DescribeAsync(token, ct);
        if (Invitation is null)
            return Page();
        if (string.IsNullOrEmpty(password))
            AddError("password", "field.required", "Create a password");
        else if (password != confirmPassword)
            AddError("confirmPassword", "password.mismatch", "The passwords do not match");
        if (Errors.Count > 0)
            return Page();

        var account = new WebAccount { UserName = Invitation.Email, Email = Invitation.Email, EmailConfirmed = true, CreatedAt = time.GetUtcNow() };
        var created = await accounts.CreateAsync(account, password!);
        if (!created.Succeeded)
        {
            foreach (var error in created.Errors)
            {
                if (error.Code is nameof(IdentityErrorDescriber.DuplicateUserName) or nameof(IdentityErrorDescriber.DuplicateEmail))
                    AddError("password", "account.email_taken", $"{Invitation.Email} already has a FlexRegistry account, which acts for another organisation. One account acts for one organisation: ask to be invited at another address, or sign in with your organisation's provider");
                else
                    AddError("password", "password." + error.Code, error.Description);
            }
            return Page();
        }
        var identity = new ExternalIdentity(WebAccount.Issuer, account.Id, account.Email, EmailRequired: true);
        if (await RunAsync(() => accept.HandleAsync(new AcceptInvitationRequest { Token = token }, identity, ct)) is { } failed)
        {
            // The invitation was not accepted (spent or withdrawn meanwhile): the new account would be bound to nobody.
            await accounts.DeleteAsync(account);
            Invitation = null;
            return failed;
        }
        await signIn.SignInAsync(account, isPersistent: false);
        return Invitation.RegistryOperator ? RedirectToPage("/Account/TwoFactor") : LocalRedirect("/dashboard");
    }
}
