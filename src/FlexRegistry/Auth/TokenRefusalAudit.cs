using FlexRegistry.Audit;
using FlexRegistry.Persistence;
using Microsoft.AspNetCore;
using Microsoft.EntityFrameworkCore;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace FlexRegistry.Auth;

/// <summary>
/// Every token request the register refuses for a client it knows (wrong secret, bad or replayed assertion, missing or
/// wrong certificate, secrets disabled, inactive client, unknown scope) is recorded in the audit trail as
/// <c>token.refused</c> with outcome <c>refused</c>: the claimed client as resource, its participant as subject, and
/// the refused credential's parameter name as the field. Never the secret or assertion itself.
/// </summary>
internal sealed class TokenRefusalAudit(RegistryDbContext db, RefusalAudit audit) : IOpenIddictServerHandler<ApplyTokenResponseContext>
{
    /// <summary>HttpContext item naming the refused parameter when the token endpoint itself refuses.</summary>
    public const string RefusedField = "flexreg:token-refused-field";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ApplyTokenResponseContext>()
            .UseScopedHandler<TokenRefusalAudit>()
            .SetOrder(int.MinValue + 100_000)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ApplyTokenResponseContext context)
    {
        if (string.IsNullOrEmpty(context.Response.Error) || context.Request?.ClientId is not { Length: > 0 and <= 100 } clientId)
            return;
        var participant = await db.ApiClients.AsNoTracking()
            .Where(c => c.ClientId == clientId)
            .Select(c => (Participants.ParticipantId?)c.ParticipantId)
            .FirstOrDefaultAsync(CancellationToken.None);
        if (participant is null)
            return;

        var http = context.Transaction.GetHttpRequest()?.HttpContext;
        var field = http?.Items[RefusedField] as string
                    ?? (context.Response.Error == Errors.InvalidScope ? "scope"
                        : context.Response.Error == Errors.UnsupportedGrantType ? "grant_type"
                        : !string.IsNullOrEmpty(context.Request.ClientAssertion) ? "client_assertion"
                        : !string.IsNullOrEmpty(context.Request.ClientSecret) ? "client_secret"
                        : "client_id");
        await audit.RecordAsync(new AuditEntry(null, null, "token.refused", "api_client", clientId, participant.Value.Value, [field]), clientId);
    }
}
