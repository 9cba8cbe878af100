using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FlexRegistry.Persistence;

/// <summary>SQLite flavour of the model; its migrations live in Migrations/Sqlite.</summary>
public sealed class SqliteRegistryDbContext(DbContextOptions<SqliteRegistryDbContext> options)
    : RegistryDbContext(options)
{
    /// <summary>SQLite has one writer at a time, so insert order is commit order: every row is of "transaction" 0.</summary>
    protected override void WriterTransaction(PropertyBuilder<long> property) => property.HasDefaultValue(0L);

    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no timestamp type: store UTC instants as sortable integers so range queries translate.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>PostgreSQL flavour of the model; its migrations live in Migrations/Postgres.</summary>
public sealed class PostgresRegistryDbContext(DbContextOptions<PostgresRegistryDbContext> options)
    : RegistryDbContext(options)
{
    /// <summary>The writer's top-level transaction ID (xid8, which fits a bigint), assigned by the database at insert.</summary>
    internal const string CurrentTransactionSql = "(pg_current_xact_id()::text::bigint)";

    protected override void WriterTransaction(PropertyBuilder<long> property) => property.HasDefaultValueSql(CurrentTransactionSql);

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        base.OnModelCreating(modelBuilder);
        // The directory's typo-tolerant name search (Participants/WordQuery): a GIN index on the search names' words, which
        // a boolean full-text query reads. Its dictionary of words (directory_words, trigram index, kept by a trigger on
        // participants) is created by migration DirectoryWordQuery: the model has no entity for it.
        modelBuilder.HasPostgresExtension("pg_trgm");
        modelBuilder.Entity<Participants.Participant>().HasIndex(p => p.SearchName)
            .HasMethod("gin").IsTsVectorExpressionIndex("simple").HasDatabaseName("ix_participants_search_words");
    }
}

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteRegistryDbContext>
{
    public SqliteRegistryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteRegistryDbContext>()
            .UseSqlite("Data Source=design-time.db", DatabaseSetup.SqliteOptions).Options);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresRegistryDbContext>
{
    public PostgresRegistryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresRegistryDbContext>()
            .UseNpgsql("Host=localhost;Database=flexregistry_design", DatabaseSetup.PostgresOptions).Options);
}
