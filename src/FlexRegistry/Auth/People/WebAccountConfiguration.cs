using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Auth.People;

/// <summary>
/// ASP.NET Core Identity's schema (version 3: with passkeys) in the register's own context and migrations, under the
/// register's table names. Roles are not used: what a person may do comes from the register user the account is bound to.
/// </summary>
internal sealed class WebAccountConfiguration :
    IEntityTypeConfiguration<WebAccount>,
    IEntityTypeConfiguration<IdentityUserClaim<string>>,
    IEntityTypeConfiguration<IdentityUserLogin<string>>,
    IEntityTypeConfiguration<IdentityUserToken<string>>,
    IEntityTypeConfiguration<IdentityUserPasskey<string>>
{
    private const int MaxKeyLength = 128;

    public void Configure(EntityTypeBuilder<WebAccount> b)
    {
        b.ToTable("web_accounts");
        b.HasKey(u => u.Id);
        b.Property(u => u.Id).HasMaxLength(64);
        b.HasIndex(u => u.NormalizedUserName).HasDatabaseName("ux_web_accounts_user_name").IsUnique();
        b.HasIndex(u => u.NormalizedEmail).HasDatabaseName("ix_web_accounts_email");
        b.Property(u => u.ConcurrencyStamp).IsConcurrencyToken();
        b.Property(u => u.UserName).HasMaxLength(256);
        b.Property(u => u.NormalizedUserName).HasMaxLength(256);
        b.Property(u => u.Email).HasMaxLength(256);
        b.Property(u => u.NormalizedEmail).HasMaxLength(256);
        b.Property(u => u.PhoneNumber).HasMaxLength(256);
        b.HasMany<IdentityUserClaim<string>>().WithOne().HasForeignKey(x => x.UserId).IsRequired();
        b.HasMany<IdentityUserLogin<string>>().WithOne().HasForeignKey(x => x.UserId).IsRequired();
        b.HasMany<IdentityUserToken<string>>().WithOne().HasForeignKey(x => x.UserId).IsRequired();
        b.HasMany<IdentityUserPasskey<string>>().WithOne().HasForeignKey(x => x.UserId).IsRequired();
    }

    public void Configure(EntityTypeBuilder<IdentityUserClaim<string>> b)
    {
        b.ToTable("web_account_claims");
        b.HasKey(x => x.Id);
    }

    public void Configure(EntityTypeBuilder<IdentityUserLogin<string>> b)
    {
        b.ToTable("web_account_logins");
        b.HasKey(x => new { x.LoginProvider, x.ProviderKey });
        b.Property(x => x.LoginProvider).HasMaxLength(MaxKeyLength);
        b.Property(x => x.ProviderKey).HasMaxLength(MaxKeyLength);
    }

    public void Configure(EntityTypeBuilder<IdentityUserToken<string>> b)
    {
        b.ToTable("web_account_tokens");
        b.HasKey(x => new { x.UserId, x.LoginProvider, x.Name });
        b.Property(x => x.LoginProvider).HasMaxLength(MaxKeyLength);
        b.Property(x => x.Name).HasMaxLength(MaxKeyLength);
    }

    public void Configure(EntityTypeBuilder<IdentityUserPasskey<string>> b)
    {
        b.ToTable("web_account_passkeys");
        b.HasKey(x => x.CredentialId);
        // WebAuthn credential IDs are at most 1023 bytes.
        b.Property(x => x.CredentialId).HasMaxLength(1024);
        b.OwnsOne(x => x.Data).ToJson();
    }
}
