using FlexRegistry.Audit;
using FlexRegistry.Shared;
using OpenIddict.Abstractions;

namespace FlexRegistry.Auth;

/// <summary>
/// RFC 8705 §3 at the resource: a token carrying <c>cnf.x5t#S256</c> is honoured only on a connection whose client
/// certificate has that thumbprint. A stolen certificate-bound token is useless without the certificate's private key.
/// </summary>
internal sealed class CertificateBoundTokenCheck(RequestDelegate next, RefusalAudit audit)
{
    public static readonly ErrorCode CertificateMismatch = new("auth.certificate_mismatch", 401,
        "The token is bound to a client certificate that this connection did not present.");

    public async Task InvokeAsync(HttpContext http)
    {
        if (http.User.Identity?.IsAuthenticated == true
            && ClientCertificates.BoundThumbprint(http.User.FindFirst(ClientCertificates.ConfirmationClaim)?.Value) is { } bound)
        {
            var presented = await http.Connection.GetClientCertificateAsync(http.RequestAborted);
            if (presented is null || bound.Length == 0 || !ClientCertificates.FixedTimeEquals(bound, ClientCertificates.Thumbprint(presented)))
            {
                await RefuseAsync(http, presented is null);
                return;
            }
        }
        await next(http);
    }

    private async Task RefuseAsync(HttpContext http, bool none)
    {
        var clientId = http.User.FindFirst(OpenIddictConstants.Claims.Subject)?.Value ?? "";
        var participantId = http.User.FindFirst(Caller.ParticipantClaim)?.Value;
        await audit.RecordAsync(new AuditEntry(participantId, clientId, "access.certificate_mismatch", "api_client", clientId, participantId,
            ["client_certificate"]), clientId);

        var detail = none
            ? "This access token is certificate-bound; send it over mutual TLS with the certificate it was issued to."
            : "This access token is bound to another client certificate than the one this connection presented.";
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = $"Bearer error=\"invalid_token\", error_description=\"{detail}\"";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = ProblemMapping.ToProblem(CertificateMismatch, detail),
        });
    }
}
