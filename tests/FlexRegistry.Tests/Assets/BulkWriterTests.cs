using FlexRegistry.Assets;
using FlexRegistry.Assets.Imports;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Assets;

/// <summary>
/// The bulk writer skips rows that hit a unique key (a concurrent registration's, or a duplicate the import left to the
/// insert to find), and keeps the rest. On PostgreSQL either the optimistic COPY falls back (the savepoint is rolled back
/// and the rows go through the staging table with <c>ON CONFLICT DO NOTHING</c>, in the same transaction) or, when
/// conflicts are expected, the rows whose unique values are held are looked up and left out before a plain COPY.
/// Every column is written as EF reads it back.
/// </summary>
public abstract class BulkWriterTests(RegistryApp app)
{
    [Theory]
    [InlineData(false)] // the optimistic COPY, which hits the conflict and falls back
    [InlineData(true)] // the held value looked up and its row left out before the COPY
    public async Task InsertIgnoringConflicts_SkipsARowWhoseKeyIsAlreadyHeld_AndInsertsTheOthersInTheSameTransaction(bool conflictsExpected)
    {
        var (create, _) = await RegistrantAsync();
        var held = TestData.Chargepoint();

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var writer = BulkWriter.For(db);
        var existing = create(held);
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await writer.InsertAsync(db, [existing], CancellationToken.None);
            await transaction.CommitAsync();
        }

        // The same manufacturer and serial number from the same registrant: the identity key is already held.
        var clash = create(held);
        var first = create(TestData.Chargepoint());
        var last = create(TestData.Chargepoint());
        Assert.Equal(existing.IdentityKey, clash.IdentityKey);
        HashSet<string> inserted;
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            inserted = await writer.InsertIgnoringConflictsAsync(db, [first, clash, last], conflictsExpected, CancellationToken.None);
            await transaction.CommitAsync();
        }

        Assert.Equal(new HashSet<string> { first.Id.Value, last.Id.Value }, inserted);
        var ids = new[] { existing.Id, clash.Id, first.Id, last.Id };
        var stored = await db.Assets.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id.Value);
        Assert.Equal(new[] { existing.Id.Value, first.Id.Value, last.Id.Value }.Order(), stored.Keys.Order());
        Assert.Equal(last.SerialNumber, stored[last.Id.Value].SerialNumber);
        Assert.Equal(last.IdentityKey, stored[last.Id.Value].IdentityKey);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task InsertIgnoringConflicts_TwoRowsWithTheSameNewKey_InsertsOneOfThem_AndTheOthers(bool conflictsExpected)
    {
        var (create, _) = await RegistrantAsync();
        // No asset holds the key yet, so a look-up finds nothing: the rows clash among themselves, inside the COPY.
        var twice = TestData.Chargepoint();
        var (one, other, unrelated) = (create(twice), create(twice), create(TestData.Chargepoint()));

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        HashSet<string> inserted;
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            inserted = await BulkWriter.For(db).InsertIgnoringConflictsAsync(db, [one, other, unrelated], conflictsExpected, CancellationToken.None);
            await transaction.CommitAsync();
        }

        Assert.Equal(2, inserted.Count);
        Assert.Contains(unrelated.Id.Value, inserted);
        Assert.True(inserted.Contains(one.Id.Value) ^ inserted.Contains(other.Id.Value));
        var ids = new[] { one.Id, other.Id, unrelated.Id };
        var stored = await db.Assets.AsNoTracking().Where(a => ids.Contains(a.Id)).Select(a => a.Id).ToListAsync();
        Assert.Equal(inserted.Order(), stored.Select(id => id.Value).Order());
    }

    [Fact]
    public async Task Insert_WritesEveryColumn_AsEfReadsItBack_IncludingNullsConvertedValuesAndComplexProperties()
    {
        var (create, now) = await RegistrantAsync();
        // One asset with every optional value set (a confirmed group, market qualifications, a location), one with the fewest.
        var full = create(TestData.Chargepoint() with
        {
            MarketQualifications = ["NESO Demand Flexibility Service", "UKPN Sustain"],
            ExportMpan = TestData.Mpan(),
            Location = new LocationDto { Latitude = 52.2, Longitude = 0.12 },
        });
        full.Confirm("oem:test", ["identity", "technical"], now.AddMinutes(1));
        var sparse = create(TestData.Chargepoint() with { CommissioningDate = null, Status = "planned" });
        var result = AssetImportResult.Create(Guid.NewGuid(), 7, AssetImportResult.DuplicateOutcome, null, full.Id.Value, null);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var writer = BulkWriter.For(db);
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await writer.InsertAsync(db, [full, sparse], CancellationToken.None);
            await writer.InsertAsync(db, [result], CancellationToken.None);
            await transaction.CommitAsync();
        }

        foreach (var written in new[] { full, sparse })
            AssertSameColumns(db, written, await db.Assets.AsNoTracking().SingleAsync(a => a.Id == written.Id));
        AssertSameColumns(db, result, await db.AssetImportResults.AsNoTracking().SingleAsync(r => r.ImportId == result.ImportId));
        Assert.Equal(["NESO Demand Flexibility Service", "UKPN Sustain"], (await db.Assets.AsNoTracking().SingleAsync(a => a.Id == full.Id)).MarketQualifications);
    }

    /// <summary>Every mapped value (complex properties' too) of <paramref name="read"/> equals the one written.</summary>
    private static void AssertSameColumns<T>(RegistryDbContext db, T written, T read) where T : class
    {
        var entity = db.Model.FindEntityType(typeof(T))!;
        var properties = entity.GetProperties().Concat(entity.GetComplexProperties().SelectMany(c => c.ComplexType.GetProperties())).ToList();
        Assert.True(properties.Count > 3);
        foreach (var property in properties)
        {
            var getter = property.GetGetter();
            var expected = getter.GetClrValueUsingContainingEntity(written);
            var actual = getter.GetClrValueUsingContainingEntity(read);
            if (expected is System.Collections.IEnumerable list and not string)
                Assert.Equal(list.Cast<object>(), ((System.Collections.IEnumerable)actual!).Cast<object>());
            else
                Assert.True(Equals(expected, actual), $"{typeof(T).Name}.{property.Name}: wrote {expected}, read {actual}");
        }
    }

    /// <summary>
    /// A newly registered participant: makes its assets as the register would (validated, keys and ID derived) at a time
    /// in whole milliseconds, which both databases store exactly.
    /// </summary>
    private async Task<(Func<RegisterAssetRequest, Asset> Create, DateTimeOffset Now)> RegistrantAsync()
    {
        var (registration, client) = await app.RegisterAsync();
        client.Dispose();
        var registrant = ParticipantId.Parse(registration.ParticipantId);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return (request => Asset.Register(AssetValidation.Validate(request, today).ThrowIfInvalid(), registrant, now), now);
    }
}

public sealed class BulkWriterTests_Sqlite(SqliteApp app) : BulkWriterTests(app), IClassFixture<SqliteApp>;

public sealed class BulkWriterTests_Postgres(PostgresApp app) : BulkWriterTests(app), IClassFixture<PostgresApp>;
