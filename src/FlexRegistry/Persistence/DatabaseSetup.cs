using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;
using Npgsql.EntityFrameworkCore.PostgreSQL.Infrastructure;

namespace FlexRegistry.Persistence;

public enum DatabaseProvider
{
    Sqlite,
    Postgres,
}

/// <summary>Configuration section <c>Database</c>.</summary>
public sealed class DatabaseOptions
{
    public DatabaseProvider Provider { get; set; } = DatabaseProvider.Sqlite;

    /// <summary>Defaults to a SQLite file in the working directory.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>Apply pending migrations when the service starts (on by default; operators may run them separately).</summary>
    public bool MigrateOnStartup { get; set; } = true;

    /// <summary>
    /// PostgreSQL: how many statements each connection keeps prepared (Npgsql's <c>Max Auto Prepare</c>), used when the
    /// connection string leaves that at 0 (its default). Unprepared, PostgreSQL parses and plans every statement on every execution;
    /// a registration's blocked-candidates read (a UNION ALL over four indexed blocks) costs more to plan than to run.
    /// 0 turns preparation off.
    /// </summary>
    public int MaxAutoPrepare { get; set; } = 100;

    /// <summary>
    /// PostgreSQL: whether a connection is reset (<c>DISCARD</c>-style statements) each time it goes back to the pool
    /// (Npgsql's <c>No Reset On Close</c> inverted), used when the connection string does not say. Off: the register keeps
    /// no session state on a connection (its locks are transaction-scoped, its temporary tables drop on commit), and the
    /// reset is a statement the server runs before every unit of work's first query, several per request.
    /// </summary>
    public bool ResetOnClose { get; set; }

    /// <summary>
    /// SQLite: the least number of thread-pool worker threads the service starts with (the runtime's own minimum is one per
    /// core). Microsoft.Data.Sqlite runs every command synchronously, async API or not, so each request inside the
    /// database holds a pool thread for the command's whole duration; past the minimum the pool adds threads only slowly,
    /// and a burst of requests waits in the pool's queue behind a few blocked threads instead of in the database.
    /// 0 leaves the runtime's minimum.
    /// </summary>
    public int SqliteMinThreads { get; set; } = 64;

    public string EffectiveConnectionString => ConnectionString is { Length: > 0 } cs
        ? cs
        : Provider == DatabaseProvider.Sqlite
            ? "Data Source=flexregistry.db"
            : throw new InvalidOperationException("Database:ConnectionString is required when Database:Provider is Postgres.");
}

public static class DatabaseSetup
{
    internal static void SqliteOptions(Microsoft.EntityFrameworkCore.Infrastructure.SqliteDbContextOptionsBuilder sqlite) =>
        sqlite.MigrationsHistoryTable("__ef_migrations");

    internal static void PostgresOptions(NpgsqlDbContextOptionsBuilder npgsql) =>
        npgsql.MigrationsHistoryTable("__ef_migrations");

    public static IServiceCollection AddRegistryDatabase(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        services.AddSingleton(options);
        var connectionString = options.EffectiveConnectionString;

        if (options.Provider == DatabaseProvider.Sqlite)
        {
            var builder = new SqliteConnectionStringBuilder(connectionString);
            // Concurrent writers wait for SQLite's single write lock instead of failing at once.
            if (builder.DefaultTimeout < 30)
                builder.DefaultTimeout = 30;
            var sqliteConnectionString = builder.ToString();
            // Seen in bench/lifecycle.sh (as-of reads at half saturation, 2 cores): p50 5 ms but p99 165 ms with 113 requests
            // in flight, the signature of requests queued for a pool thread while the few there were sat blocked in SQLite.
            ThreadPool.GetMinThreads(out var workers, out var completionPorts);
            if (workers < options.SqliteMinThreads)
                ThreadPool.SetMinThreads(options.SqliteMinThreads, completionPorts);
            // One gate per service instance and database: the service's own writers queue in process (see SqliteWriteGate).
            var writeGate = new SqliteWriteGate();
            services.AddSingleton(writeGate);
            services.AddDbContext<RegistryDbContext, SqliteRegistryDbContext>(db => db
                .UseSqlite(sqliteConnectionString, SqliteOptions)
                .AddInterceptors(SqlitePragmas.Instance, writeGate)
                .ConfigureWarnings(QuietExpectedFailures)
                .UseOpenIddict(), optionsLifetime: OptionsLifetime);
        }
        else
        {
            var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
            if (dataSourceBuilder.ConnectionStringBuilder.MaxAutoPrepare == 0)
                dataSourceBuilder.ConnectionStringBuilder.MaxAutoPrepare = options.MaxAutoPrepare;
            var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
            if (!given.ContainsKey("No Reset On Close") && !given.ContainsKey("NoResetOnClose"))
                dataSourceBuilder.ConnectionStringBuilder.NoResetOnClose = !options.ResetOnClose;
            // The directory search's pg_trgm thresholds (Participants/DirectorySearch), set once per session when it connects
            // rather than with SET LOCAL in a transaction around every search (three round trips instead of one). Only the
            // directory uses the trigram operators these govern.
            dataSourceBuilder.ConnectionStringBuilder.Options = $"{dataSourceBuilder.ConnectionStringBuilder.Options} {TrigramThresholds}".Trim();
            var dataSource = dataSourceBuilder.Build();
            services.AddSingleton(dataSource);
            services.AddDbContext<RegistryDbContext, PostgresRegistryDbContext>(db => db
                .UseNpgsql(dataSource, PostgresOptions)
                .ConfigureWarnings(QuietExpectedFailures)
                .UseOpenIddict(), optionsLifetime: OptionsLifetime);
        }
        return services;
    }

    /// <summary>
    /// Session setting of pg_trgm for the directory search (Participants/WordQuery): a dictionary word is a possible typo of a
    /// query word at trigram similarity ≥ 0.2 (one changed letter in a four-letter word shares a quarter of its trigrams;
    /// the Jaro-Winkler rule of DirectorySearch.WordScore then decides).
    /// </summary>
    public const string TrigramThresholds = "-c pg_trgm.similarity_threshold=0.2";

    /// <summary>
    /// The options are the same for every unit of work, so they are built once rather than per request scope (EF's
    /// default): building them was a few per cent of the service's CPU per single registration.
    /// </summary>
    private const ServiceLifetime OptionsLifetime = ServiceLifetime.Singleton;

    /// <summary>
    /// Unique-index violations are how the register learns of a concurrent duplicate: an expected outcome, answered with
    /// 409, not an error. Unexpected database failures still surface, logged once by the problem handler.
    /// </summary>
    private static void QuietExpectedFailures(WarningsConfigurationBuilder warnings) => warnings.Log(
        (CoreEventId.SaveChangesFailed, LogLevel.Debug),
        (RelationalEventId.CommandError, LogLevel.Debug));

    /// <summary>Prepares the database: WAL for SQLite, then migrations (when configured).</summary>
    public static async Task PrepareDatabaseAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        var options = services.GetRequiredService<DatabaseOptions>();
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        if (options.Provider == DatabaseProvider.Sqlite)
        {
            // WAL is a property of the database file: set once, it persists.
            await db.Database.OpenConnectionAsync(ct);
            await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode=WAL;", ct);
            await db.Database.CloseConnectionAsync();
        }
        if (options.MigrateOnStartup)
            await db.Database.MigrateAsync(ct);
    }

    /// <summary>
    /// Per-connection SQLite settings: <c>synchronous=FULL</c> so a committed write survives power loss in WAL mode,
    /// and foreign keys on.
    /// </summary>
    private sealed class SqlitePragmas : DbConnectionInterceptor
    {
        public static readonly SqlitePragmas Instance = new();

        public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) => Apply(connection);

        public override Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            Apply(connection);
            return Task.CompletedTask;
        }

        private static void Apply(DbConnection connection)
        {
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;";
            command.ExecuteNonQuery();
        }
    }

    /// <summary>True when the exception is a unique-index (or primary key) violation on <paramref name="table"/>, on either provider.</summary>
    public static bool IsUniqueViolationOn(this DbUpdateException exception, string table) => exception.IsUniqueViolation() && exception.InnerException switch
    {
        // SQLite names the columns: "UNIQUE constraint failed: asset_changes.AssetId, asset_changes.Version".
        SqliteException sqlite => sqlite.Message.Contains(" " + table + ".", StringComparison.Ordinal),
        PostgresException postgres => postgres.TableName == table,
        _ => false,
    };

    /// <summary>
    /// True when the database refused overlapping periods under the exclusion rule <paramref name="constraint"/>: a
    /// PostgreSQL exclusion constraint of that name, or the SQLite trigger that raises an error with that name.
    /// </summary>
    public static bool IsExclusionViolation(this DbUpdateException exception, string constraint) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.Message.Contains(constraint, StringComparison.Ordinal),
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.ExclusionViolation && postgres.ConstraintName == constraint,
        _ => false,
    };

    /// <summary>
    /// True when the database refused a row under the rule <paramref name="constraint"/> that a trigger enforces: on
    /// PostgreSQL a check violation the trigger raises naming that constraint, on SQLite the trigger's abort with that name.
    /// </summary>
    public static bool IsRuleViolation(this DbUpdateException exception, string constraint) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.Message.Contains(constraint, StringComparison.Ordinal),
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.CheckViolation && postgres.ConstraintName == constraint,
        _ => false,
    };

    /// <summary>True when PostgreSQL aborted the transaction to break a deadlock (SQLite, with one writer at a time, has none).</summary>
    public static bool IsDeadlock(this DbUpdateException exception) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected };

    /// <summary>True when the exception is a unique-index violation on either provider.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception) => exception.InnerException switch
    {
        SqliteException sqlite => sqlite.SqliteErrorCode == 19 && sqlite.SqliteExtendedErrorCode is 2067 or 1555,
        PostgresException postgres => postgres.SqlState == PostgresErrorCodes.UniqueViolation,
        _ => false,
    };
}
