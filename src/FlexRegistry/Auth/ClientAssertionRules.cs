using System.Security.Cryptography;
using System.Text;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using OpenIddict.EntityFrameworkCore.Models;
using OpenIddict.Server;
using static OpenIddict.Abstractions.OpenIddictConstants;
using static OpenIddict.Server.OpenIddictServerEvents;

namespace FlexRegistry.Auth;

/// <summary>
/// The FAPI-style profile for <c>private_key_jwt</c>, on top of OpenIddict's own checks (signature against the client's
/// registered keys, issuer, audience, expiry): only PS256 and ES256, a short lifetime, and each assertion usable once.
/// Runs after OpenIddict has validated the signature, so an attacker cannot burn a client's <c>jti</c> values.
/// </summary>
/// <remarks>
/// Replay detection keeps each used <c>jti</c> (hashed with the client ID) as a row in OpenIddict's token table, whose
/// <c>ReferenceId</c> is unique in the database: two instances of the service, or two simultaneous requests with
/// the same assertion, cannot both win. Rows are pruned once they have expired. The rest of OpenIddict's token storage
/// stays disabled (access tokens are checked live by <see cref="LiveTokenCheck"/>).
/// </remarks>
internal sealed class ClientAssertionRules(RegistryDbContext db, TimeProvider time, IMemoryCache cache, ILogger<ClientAssertionRules> logger)
    : IOpenIddictServerHandler<ProcessAuthenticationContext>
{
    public static readonly IReadOnlySet<string> AllowedAlgorithms = new HashSet<string>(StringComparer.Ordinal)
    {
        SecurityAlgorithms.RsaSsaPssSha256, SecurityAlgorithms.EcdsaSha256,
    };

    /// <summary>An assertion may be valid for at most this long (exp − iat, and exp − now).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(5);

    private static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);
    private const string JtiTokenType = "client_assertion_jti";

    public static OpenIddictServerHandlerDescriptor Descriptor { get; } =
        OpenIddictServerHandlerDescriptor.CreateBuilder<ProcessAuthenticationContext>()
            .AddFilter<OpenIddictServerHandlerFilters.RequireClientAssertionPrincipal>()
            .UseScopedHandler<ClientAssertionRules>()
            .SetOrder(OpenIddictServerHandlers.ValidateClientSecret.Descriptor.Order + 500)
            .SetType(OpenIddictServerHandlerType.Custom)
            .Build();

    public async ValueTask HandleAsync(ProcessAuthenticationContext context)
    {
        if (string.IsNullOrEmpty(context.ClientAssertion))
            return;
        var token = new JsonWebToken(context.ClientAssertion);
        if (!AllowedAlgorithms.Contains(token.Alg))
        {
            context.Reject(Errors.InvalidClient, "The client assertion must be signed with PS256 or ES256.");
            return;
        }
        var now = time.GetUtcNow().UtcDateTime;
        if (!token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Exp, out _))
        {
            context.Reject(Errors.InvalidClient, "The client assertion must carry exp.");
            return;
        }
        var expires = token.ValidTo;
        var tooLong = expires - now > MaxLifetime + ClockSkew
                      || (token.TryGetPayloadValue<long>(JwtRegisteredClaimNames.Iat, out _) && expires - token.IssuedAt > MaxLifetime);
        if (tooLong)
        {
            context.Reject(Errors.InvalidClient, $"The client assertion may be valid for at most {MaxLifetime.TotalMinutes:0} minutes.");
            return;
        }
        if (string.IsNullOrEmpty(token.Id))
        {
            context.Reject(Errors.InvalidClient, "The client assertion must carry jti.");
            return;
        }

        await PruneExpiredAsync(now, context.CancellationToken);
        var used = new OpenIddictEntityFrameworkCoreToken
        {
            ReferenceId = ReferenceFor(context.ClientId ?? token.Issuer, token.Id),
            Type = JtiTokenType,
            Status = Statuses.Redeemed,
            Subject = context.ClientId,
            CreationDate = now,
            // Kept until the assertion could no longer be accepted anyway.
            ExpirationDate = expires + ClockSkew,
        };
        db.Add(used);
        try
        {
            await db.SaveChangesAsync(context.CancellationToken);
        }
        catch (DbUpdateException e) when (e.IsUniqueViolation())
        {
            db.Entry(used).State = EntityState.Detached;
            logger.LogWarning("Replayed client assertion refused for client {ClientId}", context.ClientId);
            context.Reject(Errors.InvalidClient, "The client assertion has already been used.");
        }
    }

    private static string ReferenceFor(string clientId, string jti) =>
        "jti:" + Base64UrlEncoder.Encode(SHA256.HashData(Encoding.UTF8.GetBytes(clientId + "\n" + jti)));

    private async Task PruneExpiredAsync(DateTime now, CancellationToken ct)
    {
        // At most once a minute per instance; the rows are tiny and only needed until they expire.
        if (cache.TryGetValue("client-assertion-prune", out _))
            return;
        cache.Set("client-assertion-prune", true, TimeSpan.FromMinutes(1));
        var cutoff = now - ClockSkew;
        await db.Set<OpenIddictEntityFrameworkCoreToken>()
            .Where(t => t.Type == JtiTokenType && t.ExpirationDate < cutoff)
            .ExecuteDeleteAsync(ct);
    }
}
