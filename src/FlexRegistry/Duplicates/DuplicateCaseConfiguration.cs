using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FlexRegistry.Duplicates;

internal sealed class DuplicateCaseConfiguration : IEntityTypeConfiguration<DuplicateCase>
{
    public void Configure(EntityTypeBuilder<DuplicateCase> d)
    {
        d.ToTable("duplicate_cases");
        d.HasKey(x => x.Id);
        d.Property(x => x.Kind).HasMaxLength(16);
        d.Property(x => x.SubjectId).HasMaxLength(40);
        d.Property(x => x.CandidateId).HasMaxLength(40);
        d.Property(x => x.SurvivorId).HasMaxLength(40);
        d.Property(x => x.Parties).HasMaxLength(400);
        d.Property(x => x.Resolution).HasMaxLength(1000);
        d.Property(x => x.ResolvedBy).HasMaxLength(100);
        d.HasIndex(x => new { x.Kind, x.Status, x.Id });
        // A pair is flagged once, whichever way round it was found.
        d.HasIndex(x => new { x.Kind, x.SubjectId, x.CandidateId }).IsUnique();
    }
}
