using FlexRegistry.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Participants;

internal sealed class ParticipantConfiguration : IEntityTypeConfiguration<Participant>
{
    /// <summary>Rejected registrations release their keys so the organisation can register again correctly.</summary>
    private const string HoldsKeys = "\"Status\" <> 'Rejected'";

    public void Configure(EntityTypeBuilder<Participant> p)
    {
        p.ToTable("participants");
        p.HasKey(x => x.Id);
        p.Property(x => x.LegalName).HasMaxLength(300);
        p.Property(x => x.NormalisedName).HasMaxLength(300);
        p.Property(x => x.SearchName).HasMaxLength(300);
        p.Property(x => x.CompanyNumber).HasMaxLength(8);
        p.Property(x => x.EicCode).HasMaxLength(16);
        p.Property(x => x.VatNumber).HasMaxLength(14);
        p.Property(x => x.ContactEmail).HasMaxLength(254);
        p.Property(x => x.Version).IsConcurrencyToken();
        p.PrimitiveCollection(x => x.Roles).HasField("_roles").Metadata.SetValueComparer(StringListComparer.Instance);

        // One ID per organisation, enforced by the database so concurrent registrations cannot slip past.
        p.HasIndex(x => x.CompanyNumber).IsUnique().HasFilter(HoldsKeys).HasDatabaseName("ux_participants_company_number");
        p.HasIndex(x => x.EicCode).IsUnique().HasFilter(HoldsKeys).HasDatabaseName("ux_participants_eic_code");
        p.HasIndex(x => x.VatNumber).IsUnique().HasFilter(HoldsKeys).HasDatabaseName("ux_participants_vat_number");
        p.HasIndex(x => x.NormalisedName);

        p.ComplexProperty(x => x.RegisteredAddress, a =>
        {
            a.Property(x => x.Line1).HasMaxLength(200).HasColumnName("AddressLine1");
            a.Property(x => x.Line2).HasMaxLength(200).HasColumnName("AddressLine2");
            a.Property(x => x.Town).HasMaxLength(100).HasColumnName("AddressTown");
            a.Property(x => x.Postcode).HasMaxLength(8).HasColumnName("AddressPostcode");
        });
        p.ComplexProperty(x => x.AuthorisedPerson, a =>
        {
            a.Property(x => x.Name).HasMaxLength(200).HasColumnName("AuthorisedPersonName");
            a.Property(x => x.Email).HasMaxLength(254).HasColumnName("AuthorisedPersonEmail");
        });
        p.ComplexProperty(x => x.Verification, v =>
        {
            v.Property(x => x.Stage).HasColumnName("VerificationStage");
            v.Property(x => x.Source).HasMaxLength(64).HasColumnName("VerificationSource");
            v.Property(x => x.Summary).HasMaxLength(1000).HasColumnName("VerificationSummary");
            v.Property(x => x.Attempts).HasColumnName("VerificationAttempts");
            v.Property(x => x.NextAttemptAt).HasColumnName("VerificationNextAttemptAt");
            v.Property(x => x.UpdatedAt).HasColumnName("VerificationUpdatedAt");
        });
    }
}

internal sealed class StatusChangeConfiguration : IEntityTypeConfiguration<StatusChange>
{
    public void Configure(EntityTypeBuilder<StatusChange> s)
    {
        s.ToTable("participant_status_changes");
        s.HasKey(x => x.Id);
        s.Property(x => x.Reason).HasMaxLength(1000);
        s.Property(x => x.Actor).HasMaxLength(100);
        s.HasIndex(x => x.ParticipantId);
        s.HasOne<Participant>().WithMany().HasForeignKey(x => x.ParticipantId);
    }
}

internal sealed class CommercialInformationConfiguration : IEntityTypeConfiguration<CommercialInformation>
{
    public void Configure(EntityTypeBuilder<CommercialInformation> c)
    {
        c.ToTable("participant_commercial_information");
        c.HasKey(x => x.ParticipantId);
        c.Property(x => x.UpdatedBy).HasMaxLength(100);
        c.Property(x => x.Version).IsConcurrencyToken();
        c.HasOne<Participant>().WithOne().HasForeignKey<CommercialInformation>(x => x.ParticipantId);
    }
}
