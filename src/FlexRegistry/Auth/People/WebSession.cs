using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using FlexRegistry.Persistence;
using System.Security.Cryptography;

namespace FlexRegistry.Auth.People;

/// <summary>
/// A signed-in person's session, held in the register's database: the cookie carries only the session's random key.
/// Signing out deletes the row, so a copied cookie is worthless afterwards, and every instance sees the same sessions.
/// </summary>
public sealed class WebSession
{
    private WebSession() { }

    public string Key { get; private set; } = "";

    /// <summary>The authentication ticket as serialised by ASP.NET Core (claims naming the identity, never a password).</summary>
    public byte[] Ticket { get; private set; } = [];

    /// <summary>The identity signed in (issuer and subject), so that all of a person's sessions can be ended at once.</summary>
    public string Subject { get; private set; } = "";

    public DateTimeOffset CreatedAt { get; private set; }
    public DateTimeOffset? ExpiresAt { get; private set; }

    public static WebSession Start(byte[] ticket, string subject, DateTimeOffset? expiresAt, DateTimeOffset now) => new()
    {
        // 256 random bits: the key is the session's only credential.
        Key = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).Replace('+', '-').Replace('/', '_').TrimEnd('='),
        Ticket = ticket,
        Subject = subject,
        CreatedAt = now,
        ExpiresAt = expiresAt,
    };

    public void Renew(byte[] ticket, DateTimeOffset? expiresAt)
    {
        Ticket = ticket;
        ExpiresAt = expiresAt;
    }
}

internal sealed class WebSessionConfiguration : IEntityTypeConfiguration<WebSession>
{
    public void Configure(EntityTypeBuilder<WebSession> b)
    {
        b.ToTable("web_sessions");
        b.HasKey(x => x.Key);
        b.Property(x => x.Key).HasMaxLength(64);
        b.Property(x => x.Subject).HasMaxLength(800);
        b.HasIndex(x => x.Subject);
        b.HasIndex(x => x.ExpiresAt);
    }
}

/// <summary>The cookie handler's session store (<see cref="ITicketStore"/>) on <see cref="WebSession"/> rows.</summary>
internal sealed class WebSessionStore(IServiceScopeFactory scopes, TimeProvider time) : ITicketStore
{
    private static readonly TicketSerializer Serializer = TicketSerializer.Default;

    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var now = time.GetUtcNow();
        // Expired sessions are swept as new ones start, so the table holds live sessions only (a few rows per person).
        await db.WebSessions.Where(s => s.ExpiresAt < now).ExecuteDeleteAsync();
        var session = WebSession.Start(Serializer.Serialize(ticket), SubjectOf(ticket), ticket.Properties.ExpiresUtc, now);
        db.WebSessions.Add(session);
        await db.SaveChangesAsync();
        return session.Key;
    }

    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var session = await db.WebSessions.FirstOrDefaultAsync(s => s.Key == key);
        if (session is null)
            return;
        session.Renew(Serializer.Serialize(ticket), ticket.Properties.ExpiresUtc);
        await db.SaveChangesAsync();
    }

    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var session = await db.WebSessions.AsNoTracking().FirstOrDefaultAsync(s => s.Key == key);
        if (session is null || session.ExpiresAt < time.GetUtcNow())
            return null;
        return Serializer.Deserialize(session.Ticket);
    }

    public async Task RemoveAsync(string key)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        await db.WebSessions.Where(s => s.Key == key).ExecuteDeleteAsync();
    }

    private static string SubjectOf(AuthenticationTicket ticket) =>
        PersonIdentity.From(ticket.Principal) is { } who ? who.Key : "";

    public static void Configure(CookieAuthenticationOptions options, ITicketStore store) => options.SessionStore = store;
}

internal static class WebSessionSets
{
    extension(RegistryDbContext db)
    {
        public DbSet<WebSession> WebSessions => db.Set<WebSession>();
        public DbSet<WebAccount> WebAccounts => db.Set<WebAccount>();
    }
}
