using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FlexRegistry.Persistence;

/// <summary>SQLite flavour of the model; its migrations live in Migrations/Sqlite.</summary>
public sealed class SqliteRegistryDbContext(DbContextOptions<SqliteRegistryDbContext> options, TimeProvider time)
    : RegistryDbContext(options, time)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        base.ConfigureConventions(configurationBuilder);
        // SQLite has no timestamp type: store UTC instants as sortable integers so range queries translate.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}

/// <summary>PostgreSQL flavour of the model; its migrations live in Migrations/Postgres.</summary>
public sealed class PostgresRegistryDbContext(DbContextOptions<PostgresRegistryDbContext> options, TimeProvider time)
    : RegistryDbContext(options, time);

internal sealed class SqliteDesignTimeFactory : IDesignTimeDbContextFactory<SqliteRegistryDbContext>
{
    public SqliteRegistryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteRegistryDbContext>()
            .UseSqlite("Data Source=design-time.db", DatabaseSetup.SqliteOptions).Options, TimeProvider.System);
}

internal sealed class PostgresDesignTimeFactory : IDesignTimeDbContextFactory<PostgresRegistryDbContext>
{
    public PostgresRegistryDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresRegistryDbContext>()
            .UseNpgsql("Host=localhost;Database=flexregistry_design", DatabaseSetup.PostgresOptions).Options, TimeProvider.System);
}
