using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Events;

internal sealed class SubscriptionConfiguration : IEntityTypeConfiguration<Subscription>
{
    public void Configure(EntityTypeBuilder<Subscription> s)
    {
        s.ToTable("subscriptions");
        s.HasKey(x => x.Id);
        s.Property(x => x.Url).HasMaxLength(2000);
        s.Property(x => x.Types).HasMaxLength(4000);
        s.Property(x => x.FiltersJson).HasMaxLength(20000);
        s.Property(x => x.DisabledReason).HasMaxLength(500);
        s.Property(x => x.Secret).HasMaxLength(100);
        s.Property(x => x.PreviousSecret).HasMaxLength(100);
        s.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        s.Ignore(x => x.TypeList);
        s.Ignore(x => x.Filters);
        s.HasIndex(x => new { x.ParticipantId, x.Id });
        s.HasIndex(x => x.Status);
    }
}

internal sealed class WebhookDeliveryConfiguration : IEntityTypeConfiguration<WebhookDelivery>
{
    public void Configure(EntityTypeBuilder<WebhookDelivery> d)
    {
        d.ToTable("webhook_deliveries");
        d.HasKey(x => x.Id);
        d.Property(x => x.Id).ValueGeneratedOnAdd();
        d.Property(x => x.Subject).HasMaxLength(100);
        d.Property(x => x.Status).HasConversion<string>().HasMaxLength(16);
        d.Property(x => x.LastError).HasMaxLength(500);
        d.HasOne<Subscription>().WithMany().HasForeignKey(x => x.SubscriptionId).OnDelete(DeleteBehavior.Cascade);
        d.HasOne<SequencedEvent>().WithMany().HasForeignKey(x => x.EventSequence).OnDelete(DeleteBehavior.Restrict);
        // The dispatcher's two questions: what is due (in the claim's order, NextAttemptAt then Id, so that its LIMIT stops
        // the scan: without Id, every delivery of a fan-out, which share one NextAttemptAt, was read and checked per claim),
        // and is an earlier delivery of this subject still pending.
        d.HasIndex(x => new { x.Status, x.NextAttemptAt, x.Id });
        d.HasIndex(x => new { x.SubscriptionId, x.Subject, x.Status, x.EventSequence });
        d.HasIndex(x => new { x.SubscriptionId, x.Status, x.Id });
        // The retention job's sweep. (No index on LeaseOwner: a pass loads what it claimed by ID, and leasing a delivery
        // then changes no indexed column.)
        d.HasIndex(x => new { x.Status, x.CompletedAt });
    }
}
