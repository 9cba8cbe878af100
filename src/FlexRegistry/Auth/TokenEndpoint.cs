using System.Security.Claims;
using System.Security.Cryptography.X509Certificates;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.AspNetCore;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Abstractions;
using OpenIddict.Server.AspNetCore;
using static OpenIddict.Abstractions.OpenIddictConstants;

namespace FlexRegistry.Auth;

public static class TokenEndpoint
{
    public static IEndpointRouteBuilder MapTokenEndpoint(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connect/token", IssueToken)
            .AllowAnonymous()
            .WithMetadata(new Shared.AcceptedMediaTypes("application/x-www-form-urlencoded"))
            .ExcludeFromDescription()
            .WithName("IssueToken")
            .DisableAntiforgery();
        return app;
    }

    /// <summary>
    /// OpenIddict has already authenticated the client (secret or signed assertion) when this runs; here the client's
    /// participant, roles and permissions become the token's claims, and clients of participants that may not act
    /// (suspended, rejected, ...) are refused.
    /// </summary>
    private static async Task<IResult> IssueToken(HttpContext http, RegistryDbContext db, AuthOptions options, ClientCertificates certificates)
    {
        var request = http.GetOpenIddictServerRequest()
            ?? throw new InvalidOperationException("The OpenIddict request is missing.");
        if (!request.IsClientCredentialsGrantType())
            return Refuse(Errors.UnsupportedGrantType, "Only the client_credentials grant is supported.");

        var client = await db.ApiClients.AsNoTracking().FirstOrDefaultAsync(c => c.ClientId == request.ClientId, http.RequestAborted);
        if (client is null || client.Status != ApiClientStatus.Active)
            return Refuse(Errors.InvalidClient, "The client is not active.");
        // With secrets switched off, a secret that is still stored no longer opens the door; only the operator's
        // bootstrap client, whose secret is configuration rather than registration, keeps it.
        if (!options.AllowClientSecrets && !string.IsNullOrEmpty(request.ClientSecret) && client.ClientId != ApiClient.BootstrapClientId)
        {
            http.Items[TokenRefusalAudit.RefusedField] = "client_secret";
            return Refuse(Errors.InvalidClient,
                "Client secrets are disabled on this register (Auth:AllowClientSecrets=false); register keys and use private_key_jwt.");
        }
        X509Certificate2? certificate = null;
        if (client.IsCertificateBound)
        {
            certificate = await http.Connection.GetClientCertificateAsync(http.RequestAborted);
            if (certificates.Problem(certificate, client) is { } problem)
            {
                http.Items[TokenRefusalAudit.RefusedField] = "client_certificate";
                return Refuse(Errors.InvalidClient, problem);
            }
        }
        var participant = await db.Participants.AsNoTracking().FirstOrDefaultAsync(p => p.Id == client.ParticipantId, http.RequestAborted);
        if (participant is null || participant.Status is not (ParticipantStatus.Active or ParticipantStatus.Provisional))
            return Refuse(Errors.InvalidClient, "The participant this client acts for may not use the register.");

        var requested = request.GetScopes();
        var granted = requested.IsEmpty
            ? client.Permissions
            : [.. client.Permissions.Where(p => requested.Contains(p))];
        if (!requested.IsEmpty && requested.Any(s => !client.Permissions.Contains(s)))
            return Refuse(Errors.InvalidScope, "A requested scope is not among the client's permissions.");

        var identity = new ClaimsIdentity(OpenIddictServerAspNetCoreDefaults.AuthenticationScheme, Claims.Name, Claims.Role);
        identity.SetClaim(Claims.Subject, client.ClientId);
        identity.SetClaim(Claims.Name, client.Name);
        identity.SetClaim(Caller.ParticipantClaim, participant.Id.Value);
        identity.SetClaims(Claims.Role, [.. participant.Roles]);
        identity.SetScopes(granted);
        // RFC 9068 §3: the token names this register as its audience; other services refuse it, and it refuses theirs.
        identity.SetResources(options.Audience);
        // RFC 8705: the token is only honoured over a connection presenting this certificate (CertificateBoundTokenCheck).
        if (certificate is not null)
            http.Items[CertificateConfirmation.Item] = certificate;
        identity.SetDestinations(_ => [Destinations.AccessToken]);
        return Results.SignIn(new ClaimsPrincipal(identity), authenticationScheme: OpenIddictServerAspNetCoreDefaults.AuthenticationScheme);
    }

    private static IResult Refuse(string error, string description) => Results.Forbid(
        new AuthenticationProperties(new Dictionary<string, string?>
        {
            [OpenIddictServerAspNetCoreConstants.Properties.Error] = error,
            [OpenIddictServerAspNetCoreConstants.Properties.ErrorDescription] = description,
        }),
        [OpenIddictServerAspNetCoreDefaults.AuthenticationScheme]);
}
