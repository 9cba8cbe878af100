using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FlexRegistry.Market;

/// <summary>
/// EF mappings of the market's records. Three rules live in the migrations as SQL, since EF has no model for them: the
/// exclusivity of operator claims per asset and service class, and of one asset's membership periods in one portfolio
/// (PostgreSQL: exclusion constraints over <c>tstzrange</c> with btree_gist; SQLite: triggers named the same, which run
/// under SQLite's single write lock and so hold under any concurrency); and that a decommissioned asset takes no new
/// claim, membership or contract (<see cref="OperableAsset"/>).
/// </summary>
internal static class MarketConfiguration
{
    public const string ClaimExclusion = "ex_operator_claims_period";
    public const string MembershipExclusion = "ex_portfolio_members_period";

    /// <summary>
    /// A decommissioned asset takes no new operator claim, portfolio membership (as member or as portfolio) or contract
    /// (as portfolio): triggers on the three tables (migration <c>DecommissionedAssetsInMarket</c>). On PostgreSQL the
    /// trigger reads the asset row FOR SHARE, so it waits for a decommissioning in flight and then sees it; the
    /// decommissioning ends the asset's claims and memberships after its own update, so it sees every row committed before.
    /// </summary>
    public const string OperableAsset = "ck_asset_not_decommissioned";

    internal sealed class ProductIdConverter() : ValueConverter<ProductId, Guid>(id => id.Value, value => new ProductId(value));

    internal sealed class ContractIdConverter() : ValueConverter<ContractId, Guid>(id => id.Value, value => new ContractId(value));

    internal sealed class OperatorClaimIdConverter() : ValueConverter<OperatorClaimId, Guid>(id => id.Value, value => new OperatorClaimId(value));

    internal sealed class ClaimContestIdConverter() : ValueConverter<ClaimContestId, Guid>(id => id.Value, value => new ClaimContestId(value));

    internal sealed class MembershipIdConverter() : ValueConverter<MembershipId, Guid>(id => id.Value, value => new MembershipId(value));

    internal sealed class ConflictIdConverter() : ValueConverter<ConflictId, Guid>(id => id.Value, value => new ConflictId(value));

    internal sealed class OwnerSessionIdConverter() : ValueConverter<OwnerSessionId, Guid>(id => id.Value, value => new OwnerSessionId(value));

    /// <summary>Registered once for the whole model (RegistryDbContext.ConfigureConventions).</summary>
    public static void Conventions(ModelConfigurationBuilder builder)
    {
        builder.Properties<ProductId>().HaveConversion<ProductIdConverter>();
        builder.Properties<ContractId>().HaveConversion<ContractIdConverter>();
        builder.Properties<OperatorClaimId>().HaveConversion<OperatorClaimIdConverter>();
        builder.Properties<ClaimContestId>().HaveConversion<ClaimContestIdConverter>();
        builder.Properties<MembershipId>().HaveConversion<MembershipIdConverter>();
        builder.Properties<ConflictId>().HaveConversion<ConflictIdConverter>();
        builder.Properties<OwnerSessionId>().HaveConversion<OwnerSessionIdConverter>();
        builder.Properties<ContractStatus>().HaveConversion<string>().HaveMaxLength(16);
        builder.Properties<ConflictStatus>().HaveConversion<string>().HaveMaxLength(16);
    }
}

internal sealed class ProductConfiguration : IEntityTypeConfiguration<Product>
{
    public void Configure(EntityTypeBuilder<Product> p)
    {
        p.ToTable("products");
        p.HasKey(x => x.Id);
        p.Property(x => x.Template).HasMaxLength(40);
        p.Property(x => x.ServiceClass).HasMaxLength(40);
        p.Property(x => x.Name).HasMaxLength(200);
        p.Property(x => x.Direction).HasMaxLength(8);
        p.Property(x => x.WindowsJson).HasMaxLength(10_000);
        p.Property(x => x.ScopeJson).HasMaxLength(20_000);
        p.Property(x => x.RequirementsJson).HasMaxLength(4_000);
        p.Property(x => x.Version).IsConcurrencyToken();
        p.Ignore(x => x.Windows);
        p.Ignore(x => x.Scope);
        p.Ignore(x => x.OwnRequirements);
        p.Ignore(x => x.TemplateInfo);
        p.HasIndex(x => x.OwnerId);
        p.HasIndex(x => x.Template);
    }
}

internal sealed class PortfolioMemberConfiguration : IEntityTypeConfiguration<PortfolioMember>
{
    public void Configure(EntityTypeBuilder<PortfolioMember> m)
    {
        m.ToTable("portfolio_members", t => t.HasCheckConstraint("ck_portfolio_members_period", "\"To\" IS NULL OR \"To\" >= \"From\""));
        m.HasKey(x => x.Id);
        m.Property(x => x.AssetType).HasMaxLength(32);
        // Members of a portfolio at a moment; an asset's memberships everywhere (the conflict query's self-join).
        m.HasIndex(x => new { x.PortfolioId, x.From });
        m.HasIndex(x => x.AssetId);
    }
}

internal sealed class OperatorClaimConfiguration : IEntityTypeConfiguration<OperatorClaim>
{
    public void Configure(EntityTypeBuilder<OperatorClaim> c)
    {
        c.ToTable("operator_claims", t => t.HasCheckConstraint("ck_operator_claims_period", "\"To\" IS NULL OR \"To\" >= \"From\""));
        c.HasKey(x => x.Id);
        c.Property(x => x.ServiceClass).HasMaxLength(40);
        c.Property(x => x.ConsentReference).HasMaxLength(200);
        c.Property(x => x.ConsentMethod).HasMaxLength(40);
        c.Property(x => x.EndReason).HasMaxLength(40);
        c.Property(x => x.Version).IsConcurrencyToken();
        c.HasIndex(x => new { x.AssetId, x.ServiceClass, x.From });
        c.HasIndex(x => x.OperatorId);
    }
}

internal sealed class ClaimContestConfiguration : IEntityTypeConfiguration<ClaimContest>
{
    public void Configure(EntityTypeBuilder<ClaimContest> c)
    {
        c.ToTable("claim_contests");
        c.HasKey(x => x.Id);
        c.Property(x => x.ServiceClass).HasMaxLength(40);
        c.HasIndex(x => x.ClaimantId);
        c.HasIndex(x => x.HolderId);
    }
}

internal sealed class ContractConfiguration : IEntityTypeConfiguration<Contract>
{
    public void Configure(EntityTypeBuilder<Contract> c)
    {
        c.ToTable("contracts", t => t.HasCheckConstraint("ck_contracts_period", "\"To\" >= \"From\""));
        c.HasKey(x => x.Id);
        c.Property(x => x.Reference).HasMaxLength(200);
        c.Property(x => x.LayersJson).HasMaxLength(4_000);
        c.Property(x => x.Version).IsConcurrencyToken();
        c.Ignore(x => x.Layers);
        c.Ignore(x => x.IsCommitment);
        c.HasIndex(x => x.PortfolioId);
        c.HasIndex(x => x.ProductId);
        c.HasIndex(x => x.SellerId);
        c.HasIndex(x => x.BuyerId);
    }
}

internal sealed class ConflictConfiguration : IEntityTypeConfiguration<Conflict>
{
    public void Configure(EntityTypeBuilder<Conflict> c)
    {
        c.ToTable("conflicts");
        c.HasKey(x => x.Id);
        c.Property(x => x.Rule).HasMaxLength(32);
        c.Property(x => x.Parties).HasMaxLength(2_000);
        c.Property(x => x.AcknowledgedBy).HasMaxLength(2_000);
        c.Property(x => x.Resolution).HasMaxLength(1_000);
        c.Ignore(x => x.PartyList);
        // One register entry per asset and pair of contracts, whichever detection run finds it first.
        c.HasIndex(x => new { x.AssetId, x.ContractA, x.ContractB }).IsUnique();
        c.HasIndex(x => x.ContractA);
        c.HasIndex(x => x.ContractB);
        c.HasIndex(x => x.PortfolioA);
        c.HasIndex(x => x.PortfolioB);
        c.HasIndex(x => x.ProductA);
        c.HasIndex(x => x.ProductB);
    }
}

internal sealed class ConflictCheckConfiguration : IEntityTypeConfiguration<ConflictCheck>
{
    public void Configure(EntityTypeBuilder<ConflictCheck> c)
    {
        c.ToTable("conflict_checks");
        c.HasKey(x => x.Id);
        c.Property(x => x.Id).ValueGeneratedOnAdd();
        c.Property(x => x.Scope).HasMaxLength(16);
        c.Property(x => x.ScopeId).HasMaxLength(64);
        c.HasIndex(x => x.DueAt);
    }
}

internal sealed class OwnerSessionConfiguration : IEntityTypeConfiguration<OwnerSession>
{
    public void Configure(EntityTypeBuilder<OwnerSession> s)
    {
        s.ToTable("owner_sessions");
        s.HasKey(x => x.Id);
        s.Property(x => x.TokenHash).HasMaxLength(64);
        s.HasIndex(x => x.TokenHash).IsUnique();
        s.HasIndex(x => x.ExpiresAt);
    }
}

internal sealed class OwnerAccessFailureConfiguration : IEntityTypeConfiguration<OwnerAccessFailure>
{
    public void Configure(EntityTypeBuilder<OwnerAccessFailure> f)
    {
        f.ToTable("owner_access_failures");
        f.HasKey(x => x.Id);
        f.Property(x => x.Id).ValueGeneratedOnAdd();
        f.Property(x => x.AssetKey).HasMaxLength(40);
        f.HasIndex(x => new { x.AssetKey, x.At });
    }
}
