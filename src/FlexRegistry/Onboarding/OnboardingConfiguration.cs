using FlexRegistry.Participants;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FlexRegistry.Onboarding;

/// <summary>EF mappings of published markets, onboardings, their requests and documents.</summary>
internal static class OnboardingConfiguration
{
    internal sealed class MarketIdConverter() : ValueConverter<MarketId, Guid>(id => id.Value, value => new MarketId(value));

    internal sealed class OnboardingIdConverter() : ValueConverter<OnboardingId, Guid>(id => id.Value, value => new OnboardingId(value));

    internal sealed class OnboardingRequestIdConverter() : ValueConverter<OnboardingRequestId, Guid>(id => id.Value, value => new OnboardingRequestId(value));

    /// <summary>Registered once for the whole model (RegistryDbContext.ConfigureConventions).</summary>
    public static void Conventions(ModelConfigurationBuilder builder)
    {
        builder.Properties<MarketId>().HaveConversion<MarketIdConverter>();
        builder.Properties<OnboardingId>().HaveConversion<OnboardingIdConverter>();
        builder.Properties<OnboardingRequestId>().HaveConversion<OnboardingRequestIdConverter>();
    }
}

internal sealed class PublishedMarketConfiguration : IEntityTypeConfiguration<PublishedMarket>
{
    public void Configure(EntityTypeBuilder<PublishedMarket> m)
    {
        m.ToTable("markets");
        m.HasKey(x => x.Id);
        m.Property(x => x.Name).HasMaxLength(200);
        m.Property(x => x.NameKey).HasMaxLength(200);
        m.Property(x => x.Description).HasMaxLength(2000);
        m.Property(x => x.Status).HasMaxLength(16);
        m.Property(x => x.GspGroups).HasMaxLength(60);
        m.Property(x => x.ProductIdsJson).HasMaxLength(5000);
        m.Property(x => x.ContactEmail).HasMaxLength(254);
        m.Property(x => x.RequirementsJson).HasMaxLength(20_000);
        m.Property(x => x.Version).IsConcurrencyToken();
        m.Ignore(x => x.Areas);
        m.Ignore(x => x.ProductIds);
        m.Ignore(x => x.Requirements);
        // One market per name across the register, whoever races to publish it.
        m.HasIndex(x => x.NameKey).IsUnique().HasDatabaseName("ux_markets_name");
        m.HasIndex(x => x.OperatorId);
        m.HasOne<Participant>().WithMany().HasForeignKey(x => x.OperatorId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class MarketOnboardingConfiguration : IEntityTypeConfiguration<MarketOnboarding>
{
    public void Configure(EntityTypeBuilder<MarketOnboarding> o)
    {
        o.ToTable("market_onboardings");
        o.HasKey(x => x.Id);
        o.Property(x => x.Status).HasMaxLength(16);
        o.Property(x => x.Note).HasMaxLength(500);
        o.Property(x => x.Reason).HasMaxLength(1000);
        o.Property(x => x.Version).IsConcurrencyToken();
        // One onboarding per provider and market: a second application answers with the first.
        o.HasIndex(x => new { x.MarketId, x.ParticipantId }).IsUnique().HasDatabaseName("ux_market_onboardings_pair");
        o.HasIndex(x => x.ParticipantId);
        o.HasIndex(x => x.OperatorId);
        o.HasOne<PublishedMarket>().WithMany().HasForeignKey(x => x.MarketId).OnDelete(DeleteBehavior.Restrict);
        o.HasOne<Participant>().WithMany().HasForeignKey(x => x.ParticipantId).OnDelete(DeleteBehavior.Restrict);
        o.HasOne<Participant>().WithMany().HasForeignKey(x => x.OperatorId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OnboardingRequestConfiguration : IEntityTypeConfiguration<OnboardingRequest>
{
    public void Configure(EntityTypeBuilder<OnboardingRequest> r)
    {
        r.ToTable("onboarding_requests");
        r.HasKey(x => x.Id);
        r.Property(x => x.Kind).HasMaxLength(32);
        r.Property(x => x.Description).HasMaxLength(1000);
        r.Property(x => x.Subject).HasMaxLength(64);
        r.Property(x => x.Status).HasMaxLength(16);
        r.Property(x => x.Answer).HasMaxLength(2000);
        r.Property(x => x.DocumentContentType).HasMaxLength(64);
        r.Property(x => x.DocumentSha256).HasMaxLength(64);
        r.Property(x => x.ReturnReason).HasMaxLength(1000);
        r.Property(x => x.Version).IsConcurrencyToken();
        r.HasIndex(x => x.OnboardingId);
        r.HasIndex(x => new { x.ParticipantId, x.Status });
        r.HasOne<MarketOnboarding>().WithMany().HasForeignKey(x => x.OnboardingId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class OnboardingDocumentConfiguration : IEntityTypeConfiguration<OnboardingDocument>
{
    public void Configure(EntityTypeBuilder<OnboardingDocument> d)
    {
        d.ToTable("onboarding_documents");
        d.HasKey(x => x.RequestId);
        d.Property(x => x.ContentType).HasMaxLength(64);
        d.HasOne<OnboardingRequest>().WithOne().HasForeignKey<OnboardingDocument>(x => x.RequestId).OnDelete(DeleteBehavior.Restrict);
    }
}
