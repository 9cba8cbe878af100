using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using FlexRegistry.Assets;
using FlexRegistry.Audit;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FlexRegistry.Market;

/// <summary>Configuration section <c>OwnerAccess</c>.</summary>
public sealed class OwnerAccessOptions
{
    /// <summary>How long a proof's token lets the householder see the asset.</summary>
    public TimeSpan SessionLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failed proofs naming one asset ID within <see cref="FailureWindow"/> before that ID is locked (from every address).</summary>
    public int MaxFailuresPerAsset { get; set; } = 5;
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Proofs allowed per client address per <see cref="AddressWindow"/> (a rate limit: off with <c>RateLimits:Enabled=false</c>).</summary>
    public int ProofsPerAddress { get; set; } = 10;
    public TimeSpan AddressWindow { get; set; } = TimeSpan.FromMinutes(15);
}

/// <summary>
/// A householder's short-lived access to one asset, won by proving control (<see cref="ProveControl"/>). Only the
/// token's SHA-256 is stored; the token itself is shown once.
/// </summary>
public sealed class OwnerSession
{
    private OwnerSession() { }

    public OwnerSessionId Id { get; private set; }
    public AssetId AssetId { get; private set; }
    public string TokenHash { get; private set; } = "";
    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }

    public const string TokenPrefix = "fro_";

    public static (OwnerSession Session, string Token) Open(AssetId asset, TimeSpan lifetime, DateTimeOffset now)
    {
        var token = TokenPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));
        return (new OwnerSession { Id = OwnerSessionId.New(now), AssetId = asset, TokenHash = Hash(token), CreatedAt = now, ExpiresAt = now + lifetime }, token);
    }

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A failed proof, counted per asset ID as sent (whether or not it exists), so that guessing cannot enumerate.</summary>
public sealed class OwnerAccessFailure
{
    private OwnerAccessFailure() { }

    public long Id { get; private set; }
    public string AssetKey { get; private set; } = "";
    public DateTimeOffset At { get; private set; }

    public static OwnerAccessFailure For(string assetKey, DateTimeOffset at) => new() { AssetKey = assetKey, At = at };
}

/// <summary>
/// The flex owner's way in without an account (seed 003): a householder proves control of one asset with its asset ID,
/// its MPAN (import or export) and the consent reference they were given (the asset's own, or a current operator
/// claim's). Every failure answers the same (422 owner_access.not_proven), whether the asset exists or not; failures
/// are counted per asset ID, and after <see cref="OwnerAccessOptions.MaxFailuresPerAsset"/> that ID is locked for a
/// while from every address (429); each address is rate-limited too. A success opens a session on that one asset.
/// </summary>
public sealed class ProveControl(RegistryDbContext db, Journal journal, OwnerAccessOptions options, TimeProvider time)
{
    public async Task<OwnerAccessResponse> HandleAsync(OwnerAccessRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        var errors = new FieldErrors();
        errors.Required("assetId", request.AssetId, 40);
        errors.Required("mpan", request.Mpan, 40);
        errors.Required("consentReference", request.ConsentReference, 200);
        errors.ThrowIfAny();

        var now = time.GetUtcNow();
        var key = request.AssetId!.Trim().ToUpperInvariant();
        var since = now - options.FailureWindow;
        if (await db.OwnerAccessFailures.CountAsync(f => f.AssetKey == key && f.At > since, ct) >= options.MaxFailuresPerAsset)
            throw new DomainRuleException(MarketErrors.OwnerAccessLocked, "Too many failed attempts for this asset ID; try again later.");

        var asset = AssetId.TryParse(key, out var id) && Mpan.TryParse(request.Mpan, out var mpan)
            ? await db.Assets.AsNoTracking().FirstOrDefaultAsync(a => a.Id == id && a.Status != AssetStatus.Merged && (a.Mpan == mpan.Value || a.ExportMpan == mpan.Value), ct)
            : null;
        var reference = request.ConsentReference!.Trim();
        var proven = asset is not null && (asset.ConsentReference == reference || await db.OperatorClaims.AnyAsync(
            c => c.AssetId == asset.Id && c.ConsentReference == reference && (c.To == null || c.To > now), ct));
        if (!proven)
        {
            db.OwnerAccessFailures.Add(OwnerAccessFailure.For(key, now));
            await db.SaveChangesAsync(ct);
            throw new DomainRuleException(MarketErrors.OwnerAccessNotProven,
                "The asset ID, MPAN and consent reference do not together prove control of a registered asset.");
        }

        var (session, token) = OwnerSession.Open(asset!.Id, options.SessionLifetime, now);
        db.OwnerSessions.Add(session);
        journal.Append(new AuditEntry(null, OwnerAccessAuthentication.Actor(session.Id), "owner_access.grant", "asset", asset.Id.Value, asset.RegistrantId.Value,
            ["assetId", "mpan", "consentReference"]));
        await journal.SaveAsync(ct);
        return new OwnerAccessResponse(token, asset.Id.Value, session.ExpiresAt);
    }
}

/// <summary>
/// The <c>OwnerAccess</c> authentication scheme: <c>Authorization: OwnerAccess fro_…</c> carries a householder's session
/// token; a live session authenticates as a principal holding only the asset it covers.
/// </summary>
public sealed class OwnerAccessAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder,
    RegistryDbContext db, TimeProvider time) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "OwnerAccess";
    public const string AssetClaim = "owner_asset";
    public const string SessionClaim = "owner_session";

    public static string Actor(OwnerSessionId session) => "owner-access:" + session;

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith(SchemeName + " ", StringComparison.OrdinalIgnoreCase))
            return AuthenticateResult.NoResult();
        var token = header[(SchemeName.Length + 1)..].Trim();
        if (!token.StartsWith(OwnerSession.TokenPrefix, StringComparison.Ordinal) || token.Length > 100)
            return AuthenticateResult.Fail("Not an owner-access token.");
        var hash = OwnerSession.Hash(token);
        var now = time.GetUtcNow();
        var session = await db.OwnerSessions.AsNoTracking().FirstOrDefaultAsync(s => s.TokenHash == hash && s.ExpiresAt > now, Context.RequestAborted);
        if (session is null)
            return AuthenticateResult.Fail("The owner-access token is unknown or expired.");
        var identity = new ClaimsIdentity(
            [new Claim(AssetClaim, session.AssetId.Value), new Claim(SessionClaim, session.Id.ToString())], SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
