using System.Security.Claims;
using System.Security.Cryptography;
using FlexRegistry.Persistence;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Auth.People;

/// <summary>
/// A signed-in person's session, held in the register's database. Every sign-in creates a new one with a new random
/// ID, carried in the (encrypted) session cookie; the cookie is honoured only while its session row exists. Signing out
/// deletes the row, so a copied cookie is worthless afterwards, and a cookie planted before someone signs in never
/// becomes their session. Every instance sees the same sessions.
/// </summary>
public sealed class WebSession
{
    public const string IdClaim = "flexreg_sid";

    private WebSession() { }

    public string Id { get; private set; } = "";

    /// <summary>The identity signed in (issuer and subject), so that all of a person's sessions can be ended at once.</summary>
    public string Subject { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }

    /// <summary>The absolute end of the session, however active it is (the cookie's idle timeout ends it sooner).</summary>
    public DateTimeOffset ExpiresAt { get; private set; }

    public static WebSession Start(string subject, TimeSpan lifetime, DateTimeOffset now) => new()
    {
        // 256 random bits.
        Id = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_').TrimEnd('='),
        Subject = subject,
        CreatedAt = now,
        ExpiresAt = now + lifetime,
    };
}

internal sealed class WebSessionConfiguration : IEntityTypeConfiguration<WebSession>
{
    public void Configure(EntityTypeBuilder<WebSession> b)
    {
        b.ToTable("web_sessions");
        b.HasKey(x => x.Id);
        b.Property(x => x.Id).HasMaxLength(64);
        b.Property(x => x.Subject).HasMaxLength(800);
        b.HasIndex(x => x.Subject);
        b.HasIndex(x => x.ExpiresAt);
    }
}

/// <summary>The session cookie's events that tie it to a <see cref="WebSession"/> row.</summary>
internal static class WebSessions
{
    /// <summary>Every sign-in: a new session row and its ID in the principal (any ID the principal carried is dropped).</summary>
    public static async Task SigningInAsync(CookieSigningInContext ctx)
    {
        var identity = (ClaimsIdentity)ctx.Principal!.Identity!;
        foreach (var old in identity.FindAll(WebSession.IdClaim).ToList())
            identity.RemoveClaim(old);
        var services = ctx.HttpContext.RequestServices;
        var db = services.GetRequiredService<RegistryDbContext>();
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        // Expired sessions are swept as new ones start, so the table holds live sessions only (a few rows per person).
        await db.WebSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync(ctx.HttpContext.RequestAborted);
        var session = WebSession.Start(PersonIdentity.From(ctx.Principal)?.Key ?? "", services.GetRequiredService<WebOptions>().SessionLifetime, now);
        db.WebSessions.Add(session);
        await db.SaveChangesAsync(ctx.HttpContext.RequestAborted);
        identity.AddClaim(new Claim(WebSession.IdClaim, session.Id));
    }

    /// <summary>
    /// Signing out deletes the session of the cookie the request carried (the request's principal, read from that cookie
    /// by <see cref="PeopleSignIn.UseWebSessions"/>). Not re-authenticated here: a sign-out while validating the cookie
    /// would come straight back.
    /// </summary>
    public static async Task SigningOutAsync(CookieSigningOutContext ctx)
    {
        if (ctx.HttpContext.User.FindFirst(WebSession.IdClaim)?.Value is { } id)
        {
            var db = ctx.HttpContext.RequestServices.GetRequiredService<RegistryDbContext>();
            await db.WebSessions.Where(s => s.Id == id).ExecuteDeleteAsync(ctx.HttpContext.RequestAborted);
        }
    }

    /// <summary>Whether the session the cookie names still exists.</summary>
    public static async Task<bool> IsLiveAsync(RegistryDbContext db, string? id, DateTimeOffset now, CancellationToken ct) =>
        id is not null && await db.WebSessions.AnyAsync(s => s.Id == id && s.ExpiresAt > now, ct);
}

internal static class WebSessionSets
{
    extension(RegistryDbContext db)
    {
        public DbSet<WebSession> WebSessions => db.Set<WebSession>();
        public DbSet<WebAccount> WebAccounts => db.Set<WebAccount>();
    }
}
