using System.Globalization;
using AngleSharp.Html.Parser;
using FlexRegistry.Assets;
using FlexRegistry.Auth;
using FlexRegistry.Participants;
using FlexRegistry.Persistence;
using FlexRegistry.Shared;
using FlexRegistry.Tests.Assets;
using FlexRegistry.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace FlexRegistry.Tests.Web;

/// <summary>
/// The assets-by-area chart of the dashboard and the search page (<see cref="AssetsByArea"/>): a reader who sees many
/// assets (here from 3, <see cref="Settings"/>) is served a shared count, recounted in the background once a minute old
/// and shown with the time it was counted; fewer stay exact and live. Time is the cache's fake clock, never a sleep.
/// </summary>
public abstract class DashboardAreaCountTests(DashboardAreaCountTests.IApp app)
{
    public const long CacheFrom = 3;
    public static readonly TimeSpan RefreshAfter = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan MaxAge = TimeSpan.FromMinutes(10);

    public static IEnumerable<KeyValuePair<string, string?>> Settings =>
    [
        new("AssetsByArea:CacheFrom", CacheFrom.ToString(CultureInfo.InvariantCulture)),
        new("AssetsByArea:RefreshAfter", RefreshAfter.ToString()),
        new("AssetsByArea:MaxAge", MaxAge.ToString()),
    ];

    /// <summary>The app whose <see cref="AssetsByArea"/> runs on <see cref="Clock"/>.</summary>
    public interface IApp
    {
        RegistryApp Registry { get; }

        FakeTimeProvider Clock { get; }
    }

    private static readonly HtmlParser Parser = new();

    private RegistryApp Registry => app.Registry;

    private AssetsByArea Cache => Registry.Services.GetRequiredService<AssetsByArea>();

    [Fact]
    public async Task Dashboard_ManyAssets_SharedCountRecountedInTheBackgroundAfterTheInterval()
    {
        using var person = await Registry.ActivePersonAsync("fsp");

        // Below the threshold: every view counts, so a registration shows at once and no time is given.
        await AssetApi.RegisterAsync(person.Api, TestData.Chargepoint(mpan: TestData.Mpan(10)));
        await AssetApi.RegisterAsync(person.Api, TestData.Chargepoint(mpan: TestData.Mpan(12)));
        var small = await ChartAsync(person, "/dashboard");
        Assert.Equal(new Dictionary<string, long> { ["10"] = 1, ["12"] = 1 }, small.Counts);
        Assert.Null(small.CountedAt);

        // At the threshold the view counts and shares the figure, saying when it was counted.
        await AssetApi.RegisterAsync(person.Api, TestData.Chargepoint(mpan: TestData.Mpan(10)));
        var first = await ChartAsync(person, "/dashboard");
        Assert.Equal(new Dictionary<string, long> { ["10"] = 2, ["12"] = 1 }, first.Counts);
        Assert.Equal(Minute(app.Clock.GetUtcNow()), first.CountedAt);
        Assert.Contains("Counted at " + app.Clock.GetUtcNow().ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC", first.Caption, StringComparison.Ordinal);

        // Within the interval a new registration is not in the shared figure, on either page that draws it.
        await AssetApi.RegisterAsync(person.Api, TestData.Chargepoint(mpan: TestData.Mpan(14)));
        Assert.Equal(first.Counts, (await ChartAsync(person, "/dashboard")).Counts);
        Assert.Equal(first.Counts, (await ChartAsync(person, "/assets")).Counts);

        // Once it is a minute old, the next view still gets it (nobody waits) and starts a recount ...
        app.Clock.Advance(RefreshAfter);
        var stale = await ChartAsync(person, "/dashboard");
        Assert.Equal(first.Counts, stale.Counts);
        Assert.Equal(first.CountedAt, stale.CountedAt);
        await Cache.WhenRefreshedAsync();

        // ... after which the figure includes the registration and equals a recount.
        var refreshed = await ChartAsync(person, "/dashboard");
        Assert.Equal(new Dictionary<string, long> { ["10"] = 2, ["12"] = 1, ["14"] = 1 }, refreshed.Counts);
        Assert.Equal(Minute(app.Clock.GetUtcNow()), refreshed.CountedAt);
        Assert.Equal(await RecountAsync(ParticipantId.Parse(person.ParticipantId)), refreshed.Counts);

        // A figure nobody looked at for longer than MaxAge is not shown: that view counts first.
        await AssetApi.RegisterAsync(person.Api, TestData.Chargepoint(mpan: TestData.Mpan(14)));
        app.Clock.Advance(MaxAge);
        var late = await ChartAsync(person, "/dashboard");
        Assert.Equal(new Dictionary<string, long> { ["10"] = 2, ["12"] = 1, ["14"] = 2 }, late.Counts);
        Assert.Equal(Minute(app.Clock.GetUtcNow()), late.CountedAt);
    }

    [Fact]
    public async Task Dashboard_SharedCounts_AreNeverAnotherReaders()
    {
        using var first = await Registry.ActivePersonAsync("fsp");
        using var second = await Registry.ActivePersonAsync("fsp");
        for (var i = 0; i < 3; i++)
            await AssetApi.RegisterAsync(first.Api, TestData.Chargepoint(mpan: TestData.Mpan(11)));
        for (var i = 0; i < 4; i++)
            await AssetApi.RegisterAsync(second.Api, TestData.Chargepoint(mpan: TestData.Mpan(13)));

        // Each organisation's figure is its own, though both are shared counts and the first was counted first.
        var firstChart = await ChartAsync(first, "/dashboard");
        var secondChart = await ChartAsync(second, "/dashboard");
        Assert.NotNull(firstChart.CountedAt);
        Assert.NotNull(secondChart.CountedAt);
        Assert.Equal(new Dictionary<string, long> { ["11"] = 3 }, firstChart.Counts);
        Assert.Equal(new Dictionary<string, long> { ["13"] = 4 }, secondChart.Counts);

        // Another person of the first organisation reads the first organisation's figure (its scope), no one else's.
        using var colleague = await first.Api.InviteAndAcceptAsync(Registry, first.ParticipantId, $"colleague{Guid.NewGuid():N}"[..20] + "@flex.example");
        Assert.Equal(firstChart.Counts, (await ChartAsync(colleague, "/dashboard")).Counts);

        // The registry operator's figure is the whole register, shared too, and not any participant's.
        var registryOperator = new Caller(ParticipantId.Parse(first.ParticipantId), "test", new HashSet<string> { ParticipantRole.RegistryOperator },
            new HashSet<string> { Scopes.AssetsRead });
        var whole = await Cache.CountAsync(registryOperator, TestContext.Current.CancellationToken);
        Assert.NotNull(whole.CountedAt);
        Assert.Equal(await RecountAsync(null), whole.Areas.Where(a => a.DistributorId is not null)
            .ToDictionary(a => a.DistributorId!.Value.ToString(CultureInfo.InvariantCulture), a => a.Count));
        Assert.True(whole.Areas.Sum(a => a.Count) >= 7);

        // And the organisation's people still get the organisation's figure after the whole register was counted.
        Assert.Equal(firstChart.Counts, (await ChartAsync(first, "/dashboard")).Counts);
    }

    private sealed record Chart(Dictionary<string, long> Counts, DateTimeOffset? CountedAt, string Caption);

    /// <summary>The chart's table (areas with assets, by distributor ID) and its "counted at" time, as the page shows them.</summary>
    private static async Task<Chart> ChartAsync(WebPerson person, string page)
    {
        var document = Parser.ParseDocument(await person.Web.HtmlAsync(page));
        var names = FlexRegistry.Shared.DnoArea.All.ToDictionary(a => a.Name, a => a.DistributorId.ToString(CultureInfo.InvariantCulture));
        var counts = new Dictionary<string, long>();
        foreach (var row in document.QuerySelectorAll(".govuk-details table tbody tr"))
        {
            var count = long.Parse(row.QuerySelector("td")!.TextContent.Trim(), NumberStyles.AllowThousands, CultureInfo.InvariantCulture);
            if (count > 0)
                counts[names[row.QuerySelector("th")!.TextContent.Trim()]] = count;
        }
        var caption = document.QuerySelector("figure figcaption")?.TextContent ?? throw new InvalidOperationException($"{page} has no chart.");
        var at = document.QuerySelector("[data-counted-at]")?.GetAttribute("data-counted-at");
        return new Chart(counts, at is null ? null : Minute(DateTimeOffset.Parse(at, CultureInfo.InvariantCulture)), caption);
    }

    /// <summary>A direct count, now, of the same rule (null: the whole register).</summary>
    private async Task<Dictionary<string, long>> RecountAsync(ParticipantId? party)
    {
        await using var scope = Registry.Services.CreateAsyncScope();
        var counted = await scope.ServiceProvider.GetRequiredService<AssetQueries>().CountByAreaAsync(party, TestContext.Current.CancellationToken);
        if (party is null)
        {
            // The whole register, also straight from the table.
            var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
            var all = await db.Assets.AsNoTracking().Where(a => a.Status != AssetStatus.Merged && a.DnoDistributorId != null)
                .GroupBy(a => a.DnoDistributorId).Select(g => new { g.Key, Count = g.LongCount() }).ToListAsync(TestContext.Current.CancellationToken);
            Assert.Equal(all.ToDictionary(r => r.Key!.Value, r => r.Count), counted.Where(a => a.DistributorId is not null).ToDictionary(a => a.DistributorId!.Value, a => a.Count));
        }
        return counted.Where(a => a.DistributorId is not null).ToDictionary(a => a.DistributorId!.Value.ToString(CultureInfo.InvariantCulture), a => a.Count);
    }

    private static DateTimeOffset Minute(DateTimeOffset at) => new(at.Year, at.Month, at.Day, at.Hour, at.Minute, 0, TimeSpan.Zero);

    internal static void Configure(IWebHostBuilder builder, FakeTimeProvider clock) =>
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<AssetsByArea>();
            services.AddSingleton(sp => ActivatorUtilities.CreateInstance<AssetsByArea>(sp, (TimeProvider)clock));
        });
}

public sealed class DashboardAreaCountSqliteApp : SqliteApp, DashboardAreaCountTests.IApp
{
    public RegistryApp Registry => this;

    public FakeTimeProvider Clock { get; } = new(TimeProvider.System.GetUtcNow());

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => DashboardAreaCountTests.Settings;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        DashboardAreaCountTests.Configure(builder, Clock);
    }
}

public sealed class DashboardAreaCountPostgresApp : PostgresApp, DashboardAreaCountTests.IApp
{
    public RegistryApp Registry => this;

    public FakeTimeProvider Clock { get; } = new(TimeProvider.System.GetUtcNow());

    protected override IEnumerable<KeyValuePair<string, string?>> Settings => DashboardAreaCountTests.Settings;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        DashboardAreaCountTests.Configure(builder, Clock);
    }
}

public sealed class DashboardAreaCountTests_Sqlite(DashboardAreaCountSqliteApp app) : DashboardAreaCountTests(app), IClassFixture<DashboardAreaCountSqliteApp>
{
    /// <summary>
    /// The search pages' search by area (every type) pages in ID order from the (area, ID) index (migration
    /// <c>AssetAreaIdIndex</c>): without it SQLite read and sorted every asset of the area for each page, hundreds of ms
    /// at 100,000 assets and linear in the area (docs/benchmarks.md, pages). The query is the search's own, as EF sends it.
    /// </summary>
    [Fact]
    public async Task AreaSearch_PagesInIdOrder_WithoutSortingTheArea()
    {
        using var person = await app.Registry.ActivePersonAsync("fsp");
        await AssetApi.RegisterAsync(person.Api, TestData.Chargepoint());
        await using var scope = app.Registry.Services.CreateAsyncScope();
        var queries = scope.ServiceProvider.GetRequiredService<AssetQueries>();
        var systemOperator = new Caller(ParticipantId.Parse(person.ParticipantId), "test", new HashSet<string> { ParticipantRole.SystemOperator },
            new HashSet<string> { Scopes.AssetsRead });
        var (query, _, _) = await queries.PrepareAsync(new AssetSearch(DnoArea: "12", Purpose: "procurement"), systemOperator, new FieldErrors(),
            TestContext.Current.CancellationToken);
        await using var command = query.OrderBy(a => a.Id).Take(101).CreateDbCommand();
        await command.Connection!.OpenAsync(TestContext.Current.CancellationToken);
        command.CommandText = "EXPLAIN QUERY PLAN " + command.CommandText;
        var plan = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(TestContext.Current.CancellationToken))
            while (await reader.ReadAsync(TestContext.Current.CancellationToken))
                plan.Add(reader.GetString(3));

        Assert.Contains(plan, step => step.Contains("USING INDEX IX_assets_DnoDistributorId_Id", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, step => step.Contains("TEMP B-TREE FOR ORDER BY", StringComparison.Ordinal));
    }
}

public sealed class DashboardAreaCountTests_Postgres(DashboardAreaCountPostgresApp app) : DashboardAreaCountTests(app), IClassFixture<DashboardAreaCountPostgresApp>
{
    /// <summary>
    /// PostgreSQL knows how few assets have more than one party (statistics on <c>length("Parties")</c>, migration
    /// <c>AssetPartiesLengthStatistics</c>). Without them it assumes a third of the table and plans the chart's
    /// shared-parties count as a parallel scan whose workers alone cost 100–200 ms at 1,000,000 assets (docs/benchmarks.md, pages).
    /// </summary>
    [Fact]
    public async Task SharedPartiesCondition_IsEstimatedFromTheData()
    {
        using var person = await app.Registry.ActivePersonAsync("fsp");
        for (var i = 0; i < 30; i++)
            await AssetApi.RegisterAsync(person.Api, TestData.Chargepoint());
        await using var scope = app.Registry.Services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<RegistryDbContext>();
        await db.Database.ExecuteSqlRawAsync("ANALYZE assets", TestContext.Current.CancellationToken);
        // The partial index's condition, as AssetConfiguration declares it (a number: nothing from outside).
        var condition = "length(\"Parties\") > " + Asset.SinglePartyLength.ToString(CultureInfo.InvariantCulture);
        var countShared = "SELECT count(*) AS \"Value\" FROM assets WHERE " + condition;
        var explain = "EXPLAIN (FORMAT JSON) SELECT \"Id\" FROM assets WHERE " + condition;
        var total = await db.Assets.LongCountAsync(TestContext.Current.CancellationToken);
        var shared = await db.Database.SqlQueryRaw<long>(countShared).SingleAsync(TestContext.Current.CancellationToken);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = explain;
        var plan = (string)(await command.ExecuteScalarAsync(TestContext.Current.CancellationToken))!;
        using var document = System.Text.Json.JsonDocument.Parse(plan);
        var estimate = document.RootElement[0].GetProperty("Plan").GetProperty("Plan Rows").GetDouble();

        Assert.True(total >= 30 && shared < total / 3, $"the fixture should hold mostly single-party assets ({shared} of {total})");
        // A third of the table is the planner's guess without statistics; with them the estimate follows the rows.
        Assert.True(estimate <= shared + 1, $"estimated {estimate} rows with more than one party, there are {shared} of {total}");
    }
}
