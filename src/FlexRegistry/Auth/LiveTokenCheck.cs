using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;

namespace FlexRegistry.Auth;

/// <summary>
/// Access tokens are self-contained JWTs, so on their own they would stay valid until they expire. This check makes
/// a suspension, rejection, merge or client removal bite within <see cref="CacheFor"/>: every authenticated request's
/// client and participant are looked up (briefly cached) and refused with 401 when they may no longer act.
/// </summary>
internal sealed class LiveTokenCheck(RequestDelegate next, IMemoryCache cache)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(2);

    public static readonly ErrorCode TokenRevoked = new("auth.token_revoked", 401,
        "The token's client or participant may no longer use the register.");

    public async Task InvokeAsync(HttpContext http, RegistryDbContext db)
    {
        var participantClaim = http.User.FindFirst(Caller.ParticipantClaim)?.Value;
        // Users signed in at an external issuer are looked up, uncached, by ExternalIssuers when their token is validated.
        if (http.User.Identity?.IsAuthenticated == true && participantClaim is not null && !http.User.HasClaim(Caller.UserClaim, "true"))
        {
            var clientId = http.User.FindFirst(OpenIddict.Abstractions.OpenIddictConstants.Claims.Subject)?.Value ?? "";
            // Only "may act" is cached: a refusal is re-checked every time, so a reinstatement takes effect at once.
            var key = ("live-token", clientId, participantClaim);
            if (!cache.TryGetValue(key, out _))
            {
                if (await MayActAsync(db, clientId, participantClaim, http.RequestAborted))
                    cache.Set(key, true, CacheFor);
                else
                {
                    await RefuseAsync(http);
                    return;
                }
            }
        }
        await next(http);
    }

    private static async Task RefuseAsync(HttpContext http)
    {
        http.Response.StatusCode = StatusCodes.Status401Unauthorized;
        http.Response.Headers.WWWAuthenticate = "Bearer error=\"invalid_token\", error_description=\"The token has been revoked.\"";
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = ProblemMapping.ToProblem(TokenRevoked,
                "The client or participant this token was issued to has been suspended, removed or merged; obtain a new token if it is active again."),
        });
    }

    private static async Task<bool> MayActAsync(RegistryDbContext db, string clientId, string participantClaim, CancellationToken ct)
    {
        if (!ParticipantId.TryParse(participantClaim, out var participantId))
            return false;
        var row = await db.ApiClients.AsNoTracking()
            .Where(c => c.ClientId == clientId)
            .Join(db.Participants, c => c.ParticipantId, p => p.Id, (c, p) => new { c.Status, c.ParticipantId, ParticipantStatus = p.Status })
            .FirstOrDefaultAsync(ct);
        return row is not null
               && row.Status == ApiClientStatus.Active
               && row.ParticipantId == participantId
               && row.ParticipantStatus is ParticipantStatus.Active or ParticipantStatus.Provisional;
    }
}
