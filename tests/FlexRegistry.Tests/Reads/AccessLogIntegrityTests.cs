using System.Data.Common;
using System.Net;
using System.Net.Http.Json;
using FlexRegistry.Client.Contracts;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Tests.Infrastructure;
using FlexRegistry.Tests.Participants;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace FlexRegistry.Tests.Reads;

/// <summary>
/// The access log is part of the read: no log, no data (fail closed), also in the middle of an export; it is
/// tamper-evident; and reads made at the same moment are each logged and counted exactly once.
/// Tests in one class run one after another, so tampering with the fixture's database is undone before the next.
/// </summary>
public abstract class AccessLogIntegrityTests(RegistryApp app)
{
    [Fact]
    public async Task BUC2_Step6_FailClosed_WhenTheAccessLogCannotBeWritten_TheReadReturnsNoData_AndNothingIsRecorded()
    {
        var (fspRegistration, fsp) = await app.RegisterActiveAsync();
        var (moRegistration, mo) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        var (fspId, moId) = (fspRegistration.ParticipantId, moRegistration.ParticipantId);
        using (fsp)
        using (mo)
        {
            var assetId = await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint());
            await (await fsp.PutAsJsonAsync($"/api/v1/participants/{fspId}/commercial-information", CommercialInformationTests.ValidForFsp())).ShouldHave(HttpStatusCode.OK);
            await fsp.GrantAsync(fspId, "commercial-information", "onboarding", grantee: moId);
            var failure = new FailAccessLogInserts();
            await using var faulty = WithFault(failure);
            using var brokenMo = await faulty.AuthenticatedAsync(moRegistration.ApiClient.ClientId, moRegistration.ApiClient.ClientSecret!);
            using var brokenFsp = await faulty.AuthenticatedAsync(fspRegistration.ApiClient.ClientId, fspRegistration.ApiClient.ClientSecret!);

            foreach (var path in new[]
                     {
                         $"/api/v1/assets/{assetId}?purpose=procurement",
                         $"/api/v1/assets?purpose=procurement&operator={fspId}",
                         $"/api/v1/assets/export?purpose=procurement&operator={fspId}",
                         $"/api/v1/assets/export?purpose=procurement&operator={fspId}&format=csv",
                         $"/api/v1/participants/{fspId}/commercial-information?purpose=onboarding",
                         $"/api/v1/participants/{fspId}?purpose=onboarding",
                         $"/api/v1/participants?purpose=onboarding&query={fspId}",
                     })
            {
                using var response = await brokenMo.GetAsync(path);
                var body = await response.Content.ReadAsStringAsync();
                await response.ReadProblem(HttpStatusCode.ServiceUnavailable, "access_log.unavailable");
                Assert.DoesNotContain("Myenergi", body, StringComparison.Ordinal);
                Assert.DoesNotContain(assetId, body, StringComparison.Ordinal);
                Assert.DoesNotContain("Chris Sales", body, StringComparison.Ordinal);
            }
            Assert.True(failure.Refused >= 7);
            // The parties' own reads are not logged, so they still work.
            await (await brokenFsp.GetAsync($"/api/v1/assets/{assetId}")).ShouldHave(HttpStatusCode.OK);
            Assert.Equal(0, await app.LoggedReadsByAsync(moId));
        }
    }

    [Fact]
    public async Task BUC2_Step6_FailClosed_AFailureMidExport_CutsTheResponseOff_AndEveryRowSentWasLogged()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moRegistration, mo) = await app.RegisterActiveAsync(TestData.Registration(roles: "market-operator"));
        var moId = moRegistration.ParticipantId;
        using (fsp)
        using (mo)
        {
            for (var i = 0; i < 5; i++)
                await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint());
            var failure = new FailAccessLogInserts { AfterFirstCommit = true };
            await using var faulty = WithFault(failure, chunkSize: 2);
            using var brokenMo = await faulty.AuthenticatedAsync(moRegistration.ApiClient.ClientId, moRegistration.ApiClient.ClientSecret!);

            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/assets/export?purpose=procurement&operator={fspId}");
            using var response = await brokenMo.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode); // the first commit's rows were logged and sent
            var received = new List<string>();
            await using (var body = await response.Content.ReadAsStreamAsync())
            using (var lines = new StreamReader(body))
            {
                await Assert.ThrowsAnyAsync<Exception>(async () =>
                {
                    while (await lines.ReadLineAsync() is { } line)
                        received.Add(line);
                });
            }
            // Chunks of two rows; the first commit of the log holds the first chunk, perhaps the second: whatever was sent was
            // logged. (The in-process test server may drop bytes already written when the response is aborted, so the
            // client can see fewer rows than were logged, never more.)
            var logged = await fsp.AccessLogAsync($"/api/v1/participants/{fspId}/access-log?reader={moId}");
            Assert.NotEmpty(logged);
            Assert.InRange(received.Count(l => l.EndsWith('}')), 0, logged.Sum(e => e.Records));
            Assert.InRange(logged.Sum(e => e.Records), 2, 4);
        }
    }

    [Fact]
    public async Task BUC2_Step6_TheAccessLogIsTamperEvident_ChangedAddedOrDeletedEntriesAreDetected()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (_, mo) = await app.MarketOperatorAsync();
        using (fsp)
        using (mo)
        {
            var assetId = await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint());
            await mo.ReadAssetAsync(assetId);
            await (await mo.GetAsync($"/api/v1/assets?purpose=procurement&operator={fspId}")).Read<Page<AssetSummary>>();
            using var op = await app.OperatorAsync();
            await AssertValidAsync(op, true);
            var entries = await fsp.AccessLogAsync($"/api/v1/assets/{assetId}/access-log");
            var (read, search) = (entries[1].EntryId, entries[0].EntryId);

            // A record's field groups widened after the fact (hiding that the address was read, or claiming it was).
            await app.ExecuteSqlAsync($"UPDATE access_log_records SET \"Groups\" = 255 WHERE \"EntryId\" = {read}");
            await AssertValidAsync(op, false, read);
            await app.ExecuteSqlAsync($"UPDATE access_log_records SET \"Groups\" = 7 WHERE \"EntryId\" = {read}");
            await AssertValidAsync(op, true);

            // The purpose rewritten.
            await app.ExecuteSqlAsync($"UPDATE access_log_entries SET \"Purpose\" = 'regulatory' WHERE \"Id\" = {search}");
            await AssertValidAsync(op, false, search);
            await app.ExecuteSqlAsync($"UPDATE access_log_entries SET \"Purpose\" = 'procurement' WHERE \"Id\" = {search}");

            // A record slipped out of an entry, then the whole entry deleted: the audit chain still records it.
            var other = await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint());
            await (await mo.GetAsync($"/api/v1/assets?purpose=procurement&operator={fspId}")).Read<Page<AssetSummary>>();
            var twoRecords = (await fsp.AccessLogAsync($"/api/v1/assets/{other}/access-log"))[0].EntryId;
            var kept = await SnapshotAsync(long.Parse(twoRecords, System.Globalization.CultureInfo.InvariantCulture));
            await app.ExecuteSqlAsync($"DELETE FROM access_log_records WHERE \"EntryId\" = {twoRecords} AND \"AssetId\" = '{other}'");
            await AssertValidAsync(op, false, twoRecords);
            await app.ExecuteSqlAsync($"DELETE FROM access_log_records WHERE \"EntryId\" = {twoRecords}");
            await app.ExecuteSqlAsync($"DELETE FROM access_log_subjects WHERE \"EntryId\" = {twoRecords}");
            await app.ExecuteSqlAsync($"DELETE FROM access_log_entries WHERE \"Id\" = {twoRecords}");
            var deleted = await AssertValidAsync(op, false);
            Assert.Contains("deleted", deleted.Reason, StringComparison.Ordinal);
            // Put back as it was (its digest is still in the audit chain): valid again.
            await RestoreAsync(kept);
            await AssertValidAsync(op, true);
        }
    }

    [Fact]
    public async Task BUC2_Step6a_ConcurrentReads_AreEachLoggedAndCountedExactlyOnce()
    {
        var (fspId, fsp) = await app.FspAsync();
        var (moId, mo) = await app.MarketOperatorAsync();
        var (soId, so) = await app.MarketOperatorAsync("system-operator");
        using (fsp)
        using (mo)
        using (so)
        {
            var assetId = await fsp.RegisterAssetAsync(ReadTestData.FullChargepoint());
            await (await fsp.PutAsJsonAsync($"/api/v1/participants/{fspId}/access-notifications", new AccessNotificationsRequest { AllAssets = true }))
                .ShouldHave(HttpStatusCode.OK);
            const int each = 32;
            var reads = Enumerable.Range(0, each).SelectMany(_ => new[]
            {
                mo.GetAsync($"/api/v1/assets/{assetId}?purpose=procurement"),
                so.GetAsync($"/api/v1/assets/{assetId}?purpose=network-planning"),
            });
            foreach (var response in await Task.WhenAll(reads))
            {
                using (response)
                    await response.ShouldHave(HttpStatusCode.OK);
            }
            var log = await fsp.AccessLogAsync($"/api/v1/assets/{assetId}/access-log?limit=500");
            Assert.Equal(each, log.Count(e => e.ReaderId == moId));
            Assert.Equal(each, log.Count(e => e.ReaderId == soId));
            Assert.Equal(2 * each, log.Select(e => e.EntryId).Distinct().Count());

            await using var scope = app.Services.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var participant = ParticipantId.Parse(fspId);
            var windows = await db.AssetAccessWindows.AsNoTracking().Where(w => w.ParticipantId == participant).ToListAsync();
            Assert.Equal([each, each], windows.GroupBy(w => w.ReaderId).Select(g => g.Sum(w => w.Reads)));
            Assert.Equal(2 * each, windows.Sum(w => w.Records));
        }
    }

    private static async Task<AccessLogVerificationResponse> AssertValidAsync(HttpClient op, bool valid, string? brokenAt = null)
    {
        var result = await (await op.PostAsync("/api/v1/access-log/verify", null)).Read<AccessLogVerificationResponse>();
        Assert.True(result.Valid == valid, $"expected valid={valid}: {result.Reason}");
        if (brokenAt is not null)
            Assert.Equal(brokenAt, result.FirstBrokenEntryId);
        return result;
    }

    /// <summary>An entry with its records and subjects, as stored.</summary>
    private async Task<(AccessLog.AccessLogEntry Entry, List<AccessLog.AccessLogRecord> Records, List<AccessLog.AccessLogSubject> Subjects)> SnapshotAsync(long id)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        return (await db.AccessLogEntries.AsNoTracking().SingleAsync(e => e.Id == id),
            await db.AccessLogRecords.AsNoTracking().Where(r => r.EntryId == id).ToListAsync(),
            await db.AccessLogSubjects.AsNoTracking().Where(r => r.EntryId == id).ToListAsync());
    }

    private async Task RestoreAsync((AccessLog.AccessLogEntry Entry, List<AccessLog.AccessLogRecord> Records, List<AccessLog.AccessLogSubject> Subjects) kept)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        db.AccessLogEntries.Add(kept.Entry);
        db.AccessLogRecords.AddRange(kept.Records);
        db.AccessLogSubjects.AddRange(kept.Subjects);
        await db.SaveChangesAsync();
    }

    private WebApplicationFactory<Program> WithFault(FailAccessLogInserts failure, int? chunkSize = null) =>
        app.WithWebHostBuilder(b =>
        {
            if (chunkSize is { } size)
                b.UseSetting("AssetExport:ChunkSize", size.ToString(System.Globalization.CultureInfo.InvariantCulture));
            b.ConfigureTestServices(services =>
            {
                services.ConfigureDbContext<SqliteRegistryDbContext>(o => o.AddInterceptors(failure));
                services.ConfigureDbContext<PostgresRegistryDbContext>(o => o.AddInterceptors(failure));
            });
        });

    /// <summary>
    /// Fails writing the access log (a disk full, a lost connection): every commit of it, or every one after the first
    /// (<see cref="AfterFirstCommit"/>). Counted in commits, not reads, because concurrent reads share one commit.
    /// </summary>
    private sealed class FailAccessLogInserts : DbCommandInterceptor, IDbTransactionInterceptor
    {
        private int _refused;
        private volatile bool _committed;
        private volatile bool _writing;

        public bool AfterFirstCommit { get; init; }

        public int Refused => Volatile.Read(ref _refused);

        public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(DbCommand command, CommandEventData eventData,
            InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
        {
            Check(command);
            return base.ReaderExecutingAsync(command, eventData, result, cancellationToken);
        }

        public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
        {
            Check(command);
            return base.ReaderExecuting(command, eventData, result);
        }

        public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            if (_writing)
                _committed = true;
            return Task.CompletedTask;
        }

        private void Check(DbCommand command)
        {
            // EF quotes the table name on SQLite, not on PostgreSQL.
            if (!command.CommandText.Contains("INSERT INTO \"access_log_entries\"", StringComparison.Ordinal)
                && !command.CommandText.Contains("INSERT INTO access_log_entries", StringComparison.Ordinal))
                return;
            _writing = true;
            if (AfterFirstCommit && !_committed)
                return;
            Interlocked.Increment(ref _refused);
            throw new InvalidOperationException("Injected fault: the access log cannot be written.");
        }
    }
}

public sealed class AccessLogIntegrityTests_Sqlite(SqliteApp app) : AccessLogIntegrityTests(app), IClassFixture<SqliteApp>;

public sealed class AccessLogIntegrityTests_Postgres(PostgresApp app) : AccessLogIntegrityTests(app), IClassFixture<PostgresApp>;
