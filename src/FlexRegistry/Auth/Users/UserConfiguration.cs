using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Auth.Users;

internal sealed class UserConfiguration : IEntityTypeConfiguration<OrganisationUser>
{
    public void Configure(EntityTypeBuilder<OrganisationUser> u)
    {
        u.ToTable("users");
        u.HasKey(x => x.Id);
        u.Property(x => x.Id).HasMaxLength(32);
        u.Property(x => x.Email).HasMaxLength(254);
        u.Property(x => x.Name).HasMaxLength(200);
        u.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        u.Property(x => x.IdentityIssuer).HasMaxLength(500);
        u.Property(x => x.IdentitySubject).HasMaxLength(200);
        u.Property(x => x.InvitationTokenHash).HasMaxLength(64);
        u.Property(x => x.Version).IsConcurrencyToken();
        u.PrimitiveCollection(x => x.Permissions).HasField("_permissions").Metadata.SetValueComparer(StringListComparer.Instance);
        u.HasIndex(x => x.ParticipantId);
        // One external identity is one user of the register: the database says so, so concurrent acceptances cannot both bind it.
        u.HasIndex(x => new { x.IdentityIssuer, x.IdentitySubject }).IsUnique().HasDatabaseName("ux_users_identity");
        u.HasIndex(x => x.InvitationTokenHash).IsUnique().HasDatabaseName("ux_users_invitation_token");
        u.HasOne<Participant>().WithMany().HasForeignKey(x => x.ParticipantId);
    }
}

internal sealed class EmailDomainConfiguration : IEntityTypeConfiguration<EmailDomain>
{
    public void Configure(EntityTypeBuilder<EmailDomain> d)
    {
        d.ToTable("participant_email_domains");
        d.HasKey(x => new { x.ParticipantId, x.Domain });
        d.Property(x => x.Domain).HasMaxLength(253);
        d.Property(x => x.ApprovedBy).HasMaxLength(100);
        d.HasOne<Participant>().WithMany().HasForeignKey(x => x.ParticipantId);
    }
}

internal static class UserSets
{
    extension(RegistryDbContext db)
    {
        public DbSet<OrganisationUser> Users => db.Set<OrganisationUser>();
        public DbSet<EmailDomain> EmailDomains => db.Set<EmailDomain>();
    }
}
