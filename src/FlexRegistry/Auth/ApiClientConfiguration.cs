using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Auth;

internal sealed class ApiClientConfiguration : IEntityTypeConfiguration<ApiClient>
{
    public void Configure(EntityTypeBuilder<ApiClient> c)
    {
        c.ToTable("api_clients");
        c.HasKey(x => x.ClientId);
        c.Property(x => x.ClientId).HasMaxLength(100);
        c.Property(x => x.Name).HasMaxLength(200);
        c.Property(x => x.DefaultPurpose).HasMaxLength(40);
        c.Property(x => x.CertificateThumbprint).HasMaxLength(43);
        c.Property(x => x.CertificateSubject).HasMaxLength(500);
        c.Ignore(x => x.IsCertificateBound);
        c.PrimitiveCollection(x => x.Permissions).HasField("_permissions").Metadata.SetValueComparer(StringListComparer.Instance);
        c.HasIndex(x => x.ParticipantId);
        c.HasOne<Participant>().WithMany().HasForeignKey(x => x.ParticipantId);
    }
}
