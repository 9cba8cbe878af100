using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore;
using OpenIddict.Abstractions;
using OpenIddict.Server;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace FlexRegistry.Auth;

/// <summary>
/// Puts <c>cnf: { "x5t#S256": … }</c> into the access token of a certificate-bound client. OpenIddict rebuilds the
/// access token's principal from an allow-list of claims (its own mTLS support owns <c>cnf</c>), so the claim is added
/// to that principal after it is prepared, from the certificate the token endpoint checked.
/// </summary>
internal sealed class CertificateConfirmation : IOpenIddictServerHandler<ProcessSignInContext>
{
    /// <summary>HttpContext item: the checked client certificate the token is to be bound to.</summary>
    public const string Item = "flexreg:bound-certificate";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessSignInContext>()
            .UseSingletonHandler<CertificateConfirmation>()
            .SetOrder(OpenIddictServerHandlers.PrepareAccessTokenPrincipal.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public ValueTask HandleAsync(ProcessSignInContext context)
    {
        if (context.AccessTokenPrincipal is { } principal
            && context.Transaction.GetHttpRequest()?.HttpContext.Items[Item] is X509Certificate2 certificate)
            principal.SetClaim(ClientCertificates.ConfirmationClaim, ClientCertificates.Confirmation(certificate));
        return ValueTask.CompletedTask;
    }
}
