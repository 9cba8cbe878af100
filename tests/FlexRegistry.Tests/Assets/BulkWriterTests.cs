using FlexRegistry.Assets;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Assets;

/// <summary>
/// The bulk writer skips rows that hit a unique key it was not told about (a concurrent registration's), and keeps the
/// rest. On PostgreSQL this is the fallback of the optimistic COPY: the savepoint is rolled back and the rows go through
/// the staging table with <c>ON CONFLICT DO NOTHING</c>, in the same transaction.
/// </summary>
public abstract class BulkWriterTests(RegistryApp app)
{
    [Fact]
    public async Task InsertIgnoringConflicts_SkipsARowWhoseKeyIsAlreadyHeld_AndInsertsTheOthersInTheSameTransaction()
    {
        var (registration, client) = await app.RegisterAsync();
        client.Dispose();
        var registrant = ParticipantId.Parse(registration.ParticipantId);
        var now = DateTimeOffset.FromUnixTimeMilliseconds(TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds());
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var held = TestData.Chargepoint();
        Asset New(RegisterAssetRequest request) => Asset.Register(AssetValidation.Validate(request, today).ThrowIfInvalid(), registrant, now);

        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        var writer = BulkWriter.For(db);
        var existing = New(held);
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            await writer.InsertAsync(db, [existing], CancellationToken.None);
            await transaction.CommitAsync();
        }

        // The same manufacturer and serial number from the same registrant: the identity key is already held.
        var clash = New(held);
        var first = New(TestData.Chargepoint());
        var last = New(TestData.Chargepoint());
        Assert.Equal(existing.IdentityKey, clash.IdentityKey);
        HashSet<string> inserted;
        await using (var transaction = await db.Database.BeginTransactionAsync())
        {
            inserted = await writer.InsertIgnoringConflictsAsync(db, [first, clash, last], CancellationToken.None);
            await transaction.CommitAsync();
        }

        Assert.Equal(new HashSet<string> { first.Id.Value, last.Id.Value }, inserted);
        var ids = new[] { existing.Id, clash.Id, first.Id, last.Id };
        var stored = await db.Assets.AsNoTracking().Where(a => ids.Contains(a.Id)).ToDictionaryAsync(a => a.Id.Value);
        Assert.Equal(new[] { existing.Id.Value, first.Id.Value, last.Id.Value }.Order(), stored.Keys.Order());
        Assert.Equal(last.SerialNumber, stored[last.Id.Value].SerialNumber);
        Assert.Equal(last.IdentityKey, stored[last.Id.Value].IdentityKey);
    }
}

public sealed class BulkWriterTests_Sqlite(SqliteApp app) : BulkWriterTests(app), IClassFixture<SqliteApp>;

public sealed class BulkWriterTests_Postgres(PostgresApp app) : BulkWriterTests(app), IClassFixture<PostgresApp>;
